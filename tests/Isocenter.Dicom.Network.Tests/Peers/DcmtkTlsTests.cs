using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Peers;

/// <summary>
/// TLS (PS3.15 Annex B) with DCMTK on both sides: echoscu and storescu <c>+tls</c> against our SCP, our SCU against
/// storescp <c>+tls</c>. The certificate is a self-signed one made by openssl for localhost in each test.
/// </summary>
public class DcmtkTlsTests
{
    [Fact]
    public async Task EchoscuAndStorescu_OurTlsScp_ReceivedByteIdentical()
    {
        var certificate = await MakeCertificateAsync();
        await using var server = new ReceivingServer(o => o with { Tls = new SslServerAuthenticationOptions { ServerCertificate = certificate.Load() } });
        var files = await DcmtkScuTests.WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 3);

        var echo = await Dcmtk.RunAsync("echoscu", "+tla", "+cf", certificate.Cert, "-aec", "ISOCENTER", "127.0.0.1", Port(server));
        var store = await Dcmtk.RunAsync("storescu", ["+tla", "+cf", certificate.Cert, "-aec", "ISOCENTER", "-aet", "TLSSCU", "127.0.0.1", Port(server), .. files]);

        Assert.True(echo.ExitCode == 0, echo.ToString());
        Assert.True(store.ExitCode == 0, store.ToString());
        Assert.Equal(files.Count, server.Datasets.Count);
        Assert.All(files, f => Assert.Equal(TestFiles.DataSetBytes(f), server.Datasets[Network.Store.DicomFileHeader.Read(f).SopInstanceUid].Bytes));
    }

    [Fact]
    public async Task Echoscu_ClientCertificateRequired_WithoutOneRefusedWithOneAnswered()
    {
        var certificate = await MakeCertificateAsync();
        var trusted = certificate.Load();
        await using var server = new ReceivingServer(o => o with
        {
            Tls = new SslServerAuthenticationOptions
            {
                ServerCertificate = trusted,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trusted.GetCertHashString(),
            },
        });

        var anonymous = await Dcmtk.RunAsync("echoscu", "+tla", "+cf", certificate.Cert, "-aec", "ISOCENTER", "127.0.0.1", Port(server));
        var plain = await Dcmtk.RunAsync("echoscu", "-aec", "ISOCENTER", "127.0.0.1", Port(server));
        var authenticated = await Dcmtk.RunAsync("echoscu", "+tls", certificate.Key, certificate.Cert, "-pw", "+cf", certificate.Cert, "-aec", "ISOCENTER", "127.0.0.1", Port(server));

        Assert.NotEqual(0, anonymous.ExitCode);
        Assert.NotEqual(0, plain.ExitCode);
        Assert.True(authenticated.ExitCode == 0, authenticated.ToString());
    }

    [Fact]
    public async Task OurScu_StorescpTls_EchoAndStoreReceivedByteIdentical()
    {
        var certificate = await MakeCertificateAsync();
        var output = TestFiles.NewDirectory();
        var port = Dcmtk.FreePort();
        using var storescp = Dcmtk.Start("storescp", ["+tls", certificate.Key, certificate.Cert, "-pw", "-ic", "+B", "-aet", "STORESCP", "-od", output, port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        try
        {
            var trusted = certificate.Load();
            var client = new DicomClient("127.0.0.1", port, new DicomClientOptions
            {
                CalledAETitle = "STORESCP",
                Tls = new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trusted.GetCertHashString(),
                },
            });
            var files = await DcmtkScuTests.WriteFilesAsync(DicomUid.ExplicitVRLittleEndian, 3);

            Assert.Equal((ushort)0, await EchoWhenListeningAsync(client));
            var results = await client.StoreAsync(files, null, CancellationToken.None);

            Assert.All(results, r => Assert.Equal((ushort)0, r.Status));
            foreach (var file in files)
            {
                var received = Directory.GetFiles(output).Single(p => Network.Store.DicomFileHeader.Read(p).SopInstanceUid == Network.Store.DicomFileHeader.Read(file).SopInstanceUid);
                Assert.Equal(TestFiles.DataSetBytes(file), TestFiles.DataSetBytes(received));
            }
        }
        finally
        {
            storescp.Kill();
            await storescp.WaitForExitAsync();
        }
    }

    // storescp takes a moment to listen: C-ECHO until it answers (bounded).
    private static async Task<ushort> EchoWhenListeningAsync(DicomClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.EchoAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    internal sealed record Certificate(string Key, string Cert)
    {
        public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(Cert, Key);
    }

    internal static async Task<Certificate> MakeCertificateAsync()
    {
        var directory = TestFiles.NewDirectory();
        var certificate = new Certificate(Path.Combine(directory, "key.pem"), Path.Combine(directory, "cert.pem"));
        var run = await Dcmtk.RunAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", certificate.Key, "-out", certificate.Cert);
        Assert.True(run.ExitCode == 0, run.ToString());
        return certificate;
    }

    private static string Port(ReceivingServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
