using System.Net.Security;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Query;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Scp;

/// <summary>Configuration of a <see cref="DicomServer"/>.</summary>
public sealed record DicomServerOptions
{
    /// <summary>Called AE titles this server answers to; empty = any.</summary>
    public IReadOnlyCollection<string> AETitles { get; init; } = [];

    /// <summary>Calling AE titles accepted; null = any.</summary>
    public IReadOnlyCollection<string>? CallingAETitles { get; init; }

    /// <summary>Abstract syntaxes accepted (Verification and every storage SOP class by default).</summary>
    public IReadOnlySet<string> AbstractSyntaxes { get; init; } = DefaultAbstractSyntaxes;

    /// <summary>
    /// Transfer syntaxes accepted, preferred first (Explicit VR LE, Implicit VR LE, every other non-retired one, then the
    /// retired Explicit VR Big Endian, which older modalities still send).
    /// </summary>
    public IReadOnlyList<string> TransferSyntaxes { get; init; } = DefaultTransferSyntaxes;

    /// <summary>Maximum P-DATA-TF PDU length this server receives (announced in A-ASSOCIATE-AC).</summary>
    public uint MaxPduLength { get; init; } = 128 * 1024;

    /// <summary>How long a new connection has to send its A-ASSOCIATE-RQ (the ARTIM timer, PS3.8 9.1.5).</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an association may stay silent before it is aborted.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Associations served at once; beyond it a new one gets A-ASSOCIATE-RJ (transient, local limit exceeded).</summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>
    /// TLS (PS3.15 Annex B, the DICOM port 2762): each connection completes this handshake (server certificate;
    /// <see cref="SslServerAuthenticationOptions.ClientCertificateRequired"/> to require one of the peer) before its
    /// A-ASSOCIATE-RQ, within the ARTIM timeout. Null: plain TCP.
    /// </summary>
    public SslServerAuthenticationOptions? Tls { get; init; }

    /// <summary>Receives C-STORE datasets; without one, C-STORE is answered with "SOP class not supported".</summary>
    public ICStoreHandler? StoreHandler { get; init; }

    /// <summary>
    /// Answers C-FIND requests; with one, the Patient Root and Study Root Query/Retrieve FIND SOP classes are accepted as
    /// well as <see cref="AbstractSyntaxes"/>. Without one, C-FIND is not negotiated.
    /// </summary>
    public ICFindHandler? FindHandler { get; init; }

    /// <summary>The FIND SOP classes accepted when a <see cref="FindHandler"/> is set.</summary>
    public static IReadOnlySet<string> FindAbstractSyntaxes { get; } = new HashSet<string>(
        [DicomUid.PatientRootQueryRetrieveInformationModelFind, DicomUid.StudyRootQueryRetrieveInformationModelFind], StringComparer.Ordinal);

    /// <summary>Every storage SOP class of the UID registry (keyword ending in "Storage") and Verification.</summary>
    public static IReadOnlySet<string> DefaultAbstractSyntaxes { get; } = new HashSet<string>(
        DicomUid.All.Where(u => u.Type == "SOP Class" && u.Keyword.EndsWith("Storage", StringComparison.Ordinal)).Select(u => u.Value)
            .Append(DicomUid.Verification),
        StringComparer.Ordinal);

    /// <summary>Explicit VR LE, Implicit VR LE, every other non-retired transfer syntax of the registry, Explicit VR Big Endian.</summary>
    public static IReadOnlyList<string> DefaultTransferSyntaxes { get; } =
        [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian,
         .. DicomUid.All.Where(u => u.Type == "Transfer Syntax" && !u.IsRetired && u.Value is not DicomUid.ExplicitVRLittleEndian and not DicomUid.ImplicitVRLittleEndian)
            .Select(u => u.Value).Order(StringComparer.Ordinal),
         DicomUid.ExplicitVRBigEndian];

    internal AcceptorPolicy Policy => new()
    {
        AETitles = AETitles,
        CallingAETitles = CallingAETitles,
        AbstractSyntaxes = FindHandler is null ? AbstractSyntaxes : new HashSet<string>(AbstractSyntaxes.Concat(FindAbstractSyntaxes), StringComparer.Ordinal),
        TransferSyntaxes = TransferSyntaxes,
        MaxPduLength = MaxPduLength,
    };
}
