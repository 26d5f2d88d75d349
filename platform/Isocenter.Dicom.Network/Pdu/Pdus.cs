namespace Isocenter.Dicom.Network.Pdu;

/// <summary>A protocol data unit of the DICOM upper layer (PS3.8 9.3).</summary>
public abstract record DicomPdu
{
    /// <summary>The PDU type byte.</summary>
    public abstract PduType Type { get; }
}

/// <summary>Result of a presentation context in an A-ASSOCIATE-AC (PS3.8 9.3.3.2).</summary>
public enum PresentationContextResult : byte
{
    /// <summary>Acceptance.</summary>
    Acceptance = 0,

    /// <summary>User rejection.</summary>
    UserRejection = 1,

    /// <summary>No reason (provider rejection).</summary>
    NoReason = 2,

    /// <summary>Abstract syntax not supported (provider rejection).</summary>
    AbstractSyntaxNotSupported = 3,

    /// <summary>Transfer syntaxes not supported (provider rejection).</summary>
    TransferSyntaxesNotSupported = 4,
}

/// <summary>
/// A presentation context item: in an A-ASSOCIATE-RQ an abstract syntax and the proposed transfer syntaxes; in an
/// A-ASSOCIATE-AC a result and (when accepted) the one transfer syntax chosen.
/// </summary>
public sealed record PresentationContextItem(byte Id, string? AbstractSyntax, IReadOnlyList<string> TransferSyntaxes, PresentationContextResult Result = PresentationContextResult.Acceptance)
{
    /// <inheritdoc/>
    public bool Equals(PresentationContextItem? other) =>
        other is not null && Id == other.Id && AbstractSyntax == other.AbstractSyntax && Result == other.Result && TransferSyntaxes.SequenceEqual(other.TransferSyntaxes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, AbstractSyntax, Result, TransferSyntaxes.Count);
}

/// <summary>SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4).</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);

/// <summary>SOP Class Extended Negotiation sub-item (PS3.7 D.3.3.5), its information kept as opaque bytes.</summary>
public sealed record ExtendedNegotiation(string SopClassUid, ReadOnlyMemory<byte> Information)
{
    /// <inheritdoc/>
    public bool Equals(ExtendedNegotiation? other) =>
        other is not null && SopClassUid == other.SopClassUid && Information.Span.SequenceEqual(other.Information.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(SopClassUid, Information.Length);
}

/// <summary>User Identity types (PS3.7 D.3.3.7).</summary>
public enum UserIdentityType : byte
{
    /// <summary>Username.</summary>
    Username = 1,

    /// <summary>Username and passcode.</summary>
    UsernameAndPasscode = 2,

    /// <summary>Kerberos service ticket.</summary>
    Kerberos = 3,

    /// <summary>SAML assertion.</summary>
    Saml = 4,

    /// <summary>JSON Web Token.</summary>
    Jwt = 5,
}

/// <summary>User Identity Negotiation sub-item of an A-ASSOCIATE-RQ (PS3.7 D.3.3.7.1).</summary>
public sealed record UserIdentityRequest(UserIdentityType IdentityType, bool PositiveResponseRequested, ReadOnlyMemory<byte> PrimaryField, ReadOnlyMemory<byte> SecondaryField)
{
    /// <inheritdoc/>
    public bool Equals(UserIdentityRequest? other) =>
        other is not null && IdentityType == other.IdentityType && PositiveResponseRequested == other.PositiveResponseRequested
        && PrimaryField.Span.SequenceEqual(other.PrimaryField.Span) && SecondaryField.Span.SequenceEqual(other.SecondaryField.Span);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IdentityType, PrimaryField.Length);
}

/// <summary>The User Information item (PS3.8 9.3.2.3, PS3.7 Annex D.3.3).</summary>
public sealed record UserInformation
{
    /// <summary>Maximum length of the P-DATA-TF PDUs the sender can receive; 0 means no limit.</summary>
    public uint MaxPduLength { get; init; }

    /// <summary>Implementation Class UID.</summary>
    public string ImplementationClassUid { get; init; } = DicomFile.ImplementationClassUid;

    /// <summary>Implementation Version Name, or null.</summary>
    public string? ImplementationVersionName { get; init; }

    /// <summary>Asynchronous Operations Window (invoked, performed), or null when not negotiated.</summary>
    public (ushort Invoked, ushort Performed)? AsyncOperationsWindow { get; init; }

    /// <summary>SCP/SCU role selection sub-items.</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    /// <summary>SOP Class Extended Negotiation sub-items.</summary>
    public IReadOnlyList<ExtendedNegotiation> ExtendedNegotiations { get; init; } = [];

    /// <summary>User Identity Negotiation (A-ASSOCIATE-RQ only).</summary>
    public UserIdentityRequest? UserIdentity { get; init; }

    /// <summary>User Identity server response (A-ASSOCIATE-AC only), or null.</summary>
    public ReadOnlyMemory<byte>? UserIdentityResponse { get; init; }

    /// <inheritdoc/>
    public bool Equals(UserInformation? other) =>
        other is not null && MaxPduLength == other.MaxPduLength && ImplementationClassUid == other.ImplementationClassUid
        && ImplementationVersionName == other.ImplementationVersionName && AsyncOperationsWindow == other.AsyncOperationsWindow
        && RoleSelections.SequenceEqual(other.RoleSelections) && ExtendedNegotiations.SequenceEqual(other.ExtendedNegotiations)
        && Equals(UserIdentity, other.UserIdentity)
        && UserIdentityResponse.HasValue == other.UserIdentityResponse.HasValue
        && (!UserIdentityResponse.HasValue || UserIdentityResponse.Value.Span.SequenceEqual(other.UserIdentityResponse!.Value.Span));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(MaxPduLength, ImplementationClassUid);
}

/// <summary>A-ASSOCIATE-RQ (PDU type 01) or A-ASSOCIATE-AC (type 02): they share their layout (PS3.8 9.3.2, 9.3.3).</summary>
public sealed record AssociatePdu(bool IsAccept, string CalledAETitle, string CallingAETitle, IReadOnlyList<PresentationContextItem> PresentationContexts, UserInformation UserInformation) : DicomPdu
{
    /// <summary>The DICOM Application Context Name (PS3.7 A.2.1).</summary>
    public const string DicomApplicationContext = "1.2.840.10008.3.1.1.1";

    /// <inheritdoc/>
    public override PduType Type => IsAccept ? PduType.AssociateAccept : PduType.AssociateRequest;

    /// <summary>Application Context Name.</summary>
    public string ApplicationContext { get; init; } = DicomApplicationContext;

    /// <summary>Protocol version bit field (bit 0 = version 1).</summary>
    public ushort ProtocolVersion { get; init; } = 1;

    /// <inheritdoc/>
    public bool Equals(AssociatePdu? other) =>
        other is not null && IsAccept == other.IsAccept && CalledAETitle == other.CalledAETitle && CallingAETitle == other.CallingAETitle
        && ApplicationContext == other.ApplicationContext && ProtocolVersion == other.ProtocolVersion
        && PresentationContexts.SequenceEqual(other.PresentationContexts) && UserInformation.Equals(other.UserInformation);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsAccept, CalledAETitle, CallingAETitle);
}

/// <summary>A-ASSOCIATE-RJ result (PS3.8 9.3.4).</summary>
public enum AssociateRejectResult : byte
{
    /// <summary>Rejected (permanent).</summary>
    Permanent = 1,

    /// <summary>Rejected (transient).</summary>
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source (PS3.8 9.3.4).</summary>
public enum AssociateRejectSource : byte
{
    /// <summary>DICOM UL service-user.</summary>
    ServiceUser = 1,

    /// <summary>DICOM UL service-provider (ACSE related function).</summary>
    ServiceProviderAcse = 2,

    /// <summary>DICOM UL service-provider (presentation related function).</summary>
    ServiceProviderPresentation = 3,
}

/// <summary>A-ASSOCIATE-RJ (PDU type 03). Reason values depend on <see cref="Source"/> (PS3.8 9.3.4): for the service user
/// 1 no reason, 2 application context name not supported, 3 calling AE title not recognized, 7 called AE title not
/// recognized; for the ACSE provider 1 no reason, 2 protocol version not supported; for the presentation provider 1
/// temporary congestion, 2 local limit exceeded.</summary>
public sealed record AssociateRejectPdu(AssociateRejectResult Result, AssociateRejectSource Source, byte Reason) : DicomPdu
{
    /// <inheritdoc/>
    public override PduType Type => PduType.AssociateReject;
}

/// <summary>A presentation data value: one fragment of a command or dataset (PS3.8 9.3.5.1, E.2).</summary>
public readonly record struct PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLast, ReadOnlyMemory<byte> Data);

/// <summary>P-DATA-TF (PDU type 04). The PDV data are slices of a buffer owned by the PDU until <see cref="Dispose"/>.</summary>
public sealed record PDataTransferPdu(IReadOnlyList<PresentationDataValue> Values) : DicomPdu, IDisposable
{
    /// <inheritdoc/>
    public override PduType Type => PduType.PDataTransfer;

    internal byte[]? RentedBuffer { get; init; }

    /// <summary>Returns the buffer the values point into to the pool.</summary>
    public void Dispose()
    {
        if (RentedBuffer is { } rented)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public bool Equals(PDataTransferPdu? other) =>
        other is not null && Values.Count == other.Values.Count && Values.Zip(other.Values).All(p =>
            p.First.PresentationContextId == p.Second.PresentationContextId && p.First.IsCommand == p.Second.IsCommand
            && p.First.IsLast == p.Second.IsLast && p.First.Data.Span.SequenceEqual(p.Second.Data.Span));

    /// <inheritdoc/>
    public override int GetHashCode() => Values.Count;
}

/// <summary>A-RELEASE-RQ (PDU type 05).</summary>
public sealed record ReleaseRequestPdu : DicomPdu
{
    /// <inheritdoc/>
    public override PduType Type => PduType.ReleaseRequest;
}

/// <summary>A-RELEASE-RP (PDU type 06).</summary>
public sealed record ReleaseResponsePdu : DicomPdu
{
    /// <inheritdoc/>
    public override PduType Type => PduType.ReleaseResponse;
}

/// <summary>A-ABORT source (PS3.8 9.3.8).</summary>
public enum AbortSource : byte
{
    /// <summary>DICOM UL service-user (initiated abort).</summary>
    ServiceUser = 0,

    /// <summary>DICOM UL service-provider (initiated abort).</summary>
    ServiceProvider = 2,
}

/// <summary>A-ABORT reason when the source is the service provider (PS3.8 9.3.8).</summary>
public enum AbortReason : byte
{
    /// <summary>Reason not specified.</summary>
    NotSpecified = 0,

    /// <summary>Unrecognized PDU.</summary>
    UnrecognizedPdu = 1,

    /// <summary>Unexpected PDU.</summary>
    UnexpectedPdu = 2,

    /// <summary>Unrecognized PDU parameter.</summary>
    UnrecognizedPduParameter = 4,

    /// <summary>Unexpected PDU parameter.</summary>
    UnexpectedPduParameter = 5,

    /// <summary>Invalid PDU parameter value.</summary>
    InvalidPduParameterValue = 6,
}

/// <summary>A-ABORT (PDU type 07).</summary>
public sealed record AbortPdu(AbortSource Source, AbortReason Reason) : DicomPdu
{
    /// <inheritdoc/>
    public override PduType Type => PduType.Abort;
}
