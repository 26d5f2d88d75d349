using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Store;
using Isocenter.ObjectStore;

namespace Isocenter.Cli.Listen;

/// <summary>
/// <c>isocenter listen</c>: a storage SCP, like DCMTK's storescp. Each dataset is streamed into DIR/&lt;SOP Instance UID&gt;.dcm
/// behind a File Meta Information built from the C-STORE request; the file appears only once complete.
/// </summary>
internal static class ListenCommand
{
    public const string Usage = """
        usage: isocenter listen --port N --aet A --out DIR [--bind ADDRESS] [--tls-cert CERT --tls-key KEY]
          --port N        TCP port (11112 is the DICOM default)
          --aet A         the AE title to answer to (any when left out)
          --out DIR       folder for received files, named <SOP Instance UID>.dcm
          --bind ADDRESS  address to listen on (default 127.0.0.1)
          --tls-cert CERT, --tls-key KEY
                          TLS (PS3.15 Annex B) with this certificate and private key (PEM files)
        Stops on Ctrl+C.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        string? outDir = null, aet = null, tlsCert = null, tlsKey = null;
        var port = -1;
        var bind = IPAddress.Loopback;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--port" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535:
                    port = p;
                    break;
                case "--aet":
                    aet = args[i + 1];
                    break;
                case "--out":
                    outDir = args[i + 1];
                    break;
                case "--tls-cert":
                    tlsCert = args[i + 1];
                    break;
                case "--tls-key":
                    tlsKey = args[i + 1];
                    break;
                case "--bind" when IPAddress.TryParse(args[i + 1], out var address):
                    bind = address;
                    break;
                default:
                    Console.Error.WriteLine($"isocenter listen: bad option '{args[i]} {args[i + 1]}'\n{Usage}");
                    return 2;
            }
        }
        if (args.Length % 2 != 0 || port < 0 || outDir is null || (tlsCert is null) != (tlsKey is null))
        {
            Console.Error.WriteLine($"isocenter listen: --port and --out are required, --tls-cert and --tls-key go together\n{Usage}");
            return 2;
        }
        Directory.CreateDirectory(outDir);
        var sink = new FileSink(Path.GetFullPath(outDir), output);
        var server = new DicomServer(new DicomServerOptions
        {
            AETitles = aet is null ? [] : [aet],
            StoreHandler = sink,
            Tls = tlsCert is null ? null : new SslServerAuthenticationOptions { ServerCertificate = X509Certificate2.CreateFromPemFile(tlsCert, tlsKey) },
        });
        await using (server)
        {
            var endPoint = server.Start(new IPEndPoint(bind, port));
            output.WriteLine($"listening on {endPoint} as {aet ?? "any AE title"}, writing to {Path.GetFullPath(outDir)}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine($"stopping: {sink.Count} file(s) received");
            }
        }
        return 0;
    }

    /// <summary>
    /// Writes each received dataset to DIR/&lt;SOP Instance UID&gt;.dcm behind a meta header built from the request, through
    /// a <see cref="FileSystemObjectStore"/> rooted at DIR (a temporary file renamed over the target once complete).
    /// </summary>
    internal sealed class FileSink(string directory, TextWriter output) : ICStoreHandler
    {
        private readonly FileSystemObjectStore _store = new(directory);
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public async ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
        {
            if (!DicomUid.IsValid(request.SopInstanceUid) || !DicomUid.IsValid(request.SopClassUid))
            {
                return DimseStatus.CannotUnderstand; // the UID names the file: never a path
            }
            var key = request.SopInstanceUid + ".dcm";
            using var header = new MemoryStream(512);
            DicomFileHeader.WritePart10Header(header, request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CallingAETitle);
            header.Position = 0;
            await _store.PutAsync(key, new ConcatenatedStream(header, dataset), cancellationToken);
            var count = Interlocked.Increment(ref _count);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count}: {request.Association.CallingAETitle} stored {key} ({request.TransferSyntax.Name})"));
            return DimseStatus.Success;
        }
    }
}
