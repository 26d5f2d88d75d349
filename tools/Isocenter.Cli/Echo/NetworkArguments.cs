using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Cli.Echo;

/// <summary>
/// The arguments echo, send and find share: <c>[--aet A] [--called B] [--tls] [--tls-ca CERT] HOST PORT [rest...]</c>.
/// <c>--tls</c>: TLS, the server's certificate checked against the system's roots and HOST; <c>--tls-ca CERT</c>: TLS,
/// trusting the certificates of that PEM or DER file instead.
/// </summary>
internal sealed record NetworkArguments(string Host, int Port, string CallingAETitle, string CalledAETitle, IReadOnlyList<string> Rest)
{
    public const string Options = "[--aet A] [--called B] [--tls] [--tls-ca CERT]";

    /// <summary>Use TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>Certificates trusted as roots instead of the system's (PEM or DER).</summary>
    public string? TlsCa { get; init; }

    public DicomClientOptions ClientOptions() => new()
    {
        CallingAETitle = CallingAETitle,
        CalledAETitle = CalledAETitle,
        Tls = Tls ? new SslClientAuthenticationOptions { TargetHost = Host, CertificateChainPolicy = TrustPolicy() } : null,
    };

    private X509ChainPolicy? TrustPolicy()
    {
        if (TlsCa is null)
        {
            return null;
        }
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
        policy.CustomTrustStore.ImportFromPemFile(TlsCa);
        return policy;
    }

    public static bool TryParse(string[] args, out NetworkArguments parsed, out string error)
    {
        parsed = new NetworkArguments("", 0, "ISOCENTER", "ANY-SCP", []);
        error = "";
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--aet" or "--called" or "--tls-ca" when i + 1 >= args.Length:
                    error = $"'{args[i]}' needs a value.";
                    return false;
                case "--aet":
                    parsed = parsed with { CallingAETitle = args[++i] };
                    break;
                case "--called":
                    parsed = parsed with { CalledAETitle = args[++i] };
                    break;
                case "--tls":
                    parsed = parsed with { Tls = true };
                    break;
                case "--tls-ca":
                    parsed = parsed with { Tls = true, TlsCa = args[++i] };
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count < 2)
        {
            error = "HOST and PORT are required.";
            return false;
        }
        if (!int.TryParse(positional[1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{positional[1]}' is not a TCP port.";
            return false;
        }
        if (parsed.CallingAETitle.Length is 0 or > 16 || parsed.CalledAETitle.Length is 0 or > 16)
        {
            error = "AE titles are 1 to 16 characters.";
            return false;
        }
        parsed = parsed with { Host = positional[0], Port = port, Rest = positional[2..] };
        return true;
    }
}
