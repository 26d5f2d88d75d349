using System.Net.Security;

namespace Isocenter.Dicom.Network.Scu;

/// <summary>Configuration of a <see cref="DicomClient"/>.</summary>
public sealed record DicomClientOptions
{
    /// <summary>Calling AE title (this side).</summary>
    public string CallingAETitle { get; init; } = "ISOCENTER";

    /// <summary>Called AE title (the peer).</summary>
    public string CalledAETitle { get; init; } = "ANY-SCP";

    /// <summary>Maximum P-DATA-TF PDU length this side receives.</summary>
    public uint MaxPduLength { get; init; } = 128 * 1024;

    /// <summary>Time allowed to connect and to get the A-ASSOCIATE-AC or A-RELEASE-RP.</summary>
    public TimeSpan AssociationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// TLS (PS3.15 Annex B): the handshake made after connecting (<see cref="SslClientAuthenticationOptions.TargetHost"/>
    /// is the name the server's certificate must carry; a client certificate when the peer requires one). Null: plain TCP.
    /// </summary>
    public SslClientAuthenticationOptions? Tls { get; init; }

    /// <summary>Time allowed for a DIMSE response after the request was sent.</summary>
    public TimeSpan DimseTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
