using System.Net;

using System.Net.Security;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Commitment;
using Isocenter.Dicom.Network.Query;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Scu;
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

    /// <summary>
    /// Resolves C-MOVE and C-GET requests to files; with one, the Patient Root and Study Root MOVE and GET SOP classes are
    /// accepted and the SCP role (for C-GET sub-operations) is granted to requestors that propose it. Without one, neither
    /// is negotiated.
    /// </summary>
    public ICRetrieveHandler? RetrieveHandler { get; init; }

    /// <summary>
    /// Receives storage commitment results (PS3.4 J.3.3) that peers send on associations they open to this server; with one,
    /// the Storage Commitment Push Model SOP class is accepted (the peer in the SCP role). Without one, it is not negotiated.
    /// </summary>
    public StorageCommitmentReportHandler? StorageCommitmentReportHandler { get; init; }

    /// <summary>C-MOVE destinations: AE title → host and port; a C-MOVE-RQ naming another gets Move destination unknown (A801).</summary>
    public IReadOnlyDictionary<string, DnsEndPoint> MoveDestinations { get; init; } = new Dictionary<string, DnsEndPoint>();

    /// <summary>Timeouts and PDU length of the associations opened to move destinations (the AE titles are set per move).</summary>
    public DicomClientOptions MoveClientOptions { get; init; } = new();

    /// <summary>Checks the calling AE title against the peer's address (peers configured by AE title and host); null = any.</summary>
    public CallingPeerValidator? CallingPeerValidator { get; init; }

    /// <summary>Checks the user identity of each association and answers it when the requestor asks (PS3.7 D.3.3.7); null = any, never answered.</summary>
    public UserIdentityValidator? UserIdentityValidator { get; init; }

    /// <summary>Answers SOP Class Extended Negotiation (PS3.7 D.3.3.5) for accepted SOP classes; null = never answered.</summary>
    public ExtendedNegotiationResponder? ExtendedNegotiationResponder { get; init; }

    /// <summary>The MOVE and GET SOP classes accepted when a <see cref="RetrieveHandler"/> is set.</summary>
    public static IReadOnlySet<string> RetrieveAbstractSyntaxes { get; } = new HashSet<string>(
        [DicomUid.PatientRootQueryRetrieveInformationModelMove, DicomUid.StudyRootQueryRetrieveInformationModelMove,
         DicomUid.PatientRootQueryRetrieveInformationModelGet, DicomUid.StudyRootQueryRetrieveInformationModelGet], StringComparer.Ordinal);

    /// <summary>The Storage Commitment Push Model SOP class, accepted when a <see cref="StorageCommitmentReportHandler"/> is set.</summary>
    public static IReadOnlySet<string> CommitmentAbstractSyntaxes { get; } = new HashSet<string>([DicomUid.StorageCommitmentPushModel], StringComparer.Ordinal);

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
        AbstractSyntaxes = FindHandler is null && RetrieveHandler is null && StorageCommitmentReportHandler is null ? AbstractSyntaxes : new HashSet<string>(
            AbstractSyntaxes.Concat(FindHandler is null ? [] : FindAbstractSyntaxes).Concat(RetrieveHandler is null ? [] : RetrieveAbstractSyntaxes)
                .Concat(StorageCommitmentReportHandler is null ? [] : CommitmentAbstractSyntaxes), StringComparer.Ordinal),
        AcceptScpRole = RetrieveHandler is not null,
        ScpRoleSopClasses = StorageCommitmentReportHandler is null ? new HashSet<string>() : CommitmentAbstractSyntaxes,
        UserIdentityValidator = UserIdentityValidator,
        ExtendedNegotiationResponder = ExtendedNegotiationResponder,
        TransferSyntaxes = TransferSyntaxes,
        MaxPduLength = MaxPduLength,
    };
}
