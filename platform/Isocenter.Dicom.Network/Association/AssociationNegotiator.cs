using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>What an acceptor accepts: AE titles, abstract and transfer syntaxes, and the PDU length it can receive.</summary>
public sealed record AcceptorPolicy
{
    /// <summary>Called AE titles answered; empty = any.</summary>
    public IReadOnlyCollection<string> AETitles { get; init; } = [];

    /// <summary>Calling AE titles accepted; null = any.</summary>
    public IReadOnlyCollection<string>? CallingAETitles { get; init; }

    /// <summary>Abstract syntaxes (SOP classes) accepted.</summary>
    public IReadOnlySet<string> AbstractSyntaxes { get; init; } = new HashSet<string>(StringComparer.Ordinal) { DicomUid.Verification };

    /// <summary>Transfer syntaxes accepted, most preferred first.</summary>
    public IReadOnlyList<string> TransferSyntaxes { get; init; } = [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian];

    /// <summary>Maximum P-DATA-TF PDU length this side receives.</summary>
    public uint MaxPduLength { get; init; } = 128 * 1024;

    /// <summary>Whether a requestor proposing the SCP role (for C-GET sub-operations, PS3.7 D.3.3.4) gets it.</summary>
    public bool AcceptScpRole { get; init; }

    /// <summary>
    /// SOP classes whose SCP role a requestor proposing it gets even without <see cref="AcceptScpRole"/> (Storage Commitment:
    /// the SCP that opens an association to send its N-EVENT-REPORT, PS3.4 J.3.3).
    /// </summary>
    public IReadOnlySet<string> ScpRoleSopClasses { get; init; } = new HashSet<string>();

    /// <summary>Checks the user identity (and answers it when asked); null = not checked, never answered.</summary>
    public UserIdentityValidator? UserIdentityValidator { get; init; }

    /// <summary>Answers SOP Class Extended Negotiation; null = never answered.</summary>
    public ExtendedNegotiationResponder? ExtendedNegotiationResponder { get; init; }
}

/// <summary>Answers an A-ASSOCIATE-RQ with an A-ASSOCIATE-AC or -RJ (PS3.8 7.1, 9.3.3; PS3.7 D.3.3).</summary>
public static class AssociationNegotiator
{
    /// <summary>Negotiates <paramref name="request"/> under <paramref name="policy"/>.</summary>
    public static DicomPdu Negotiate(AssociatePdu request, AcceptorPolicy policy)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceProviderAcse, 2);
        }
        if (request.ApplicationContext != AssociatePdu.DicomApplicationContext)
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 2);
        }
        if (policy.AETitles.Count > 0 && !policy.AETitles.Contains(request.CalledAETitle))
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 7);
        }
        if (policy.CallingAETitles is { } callers && !callers.Contains(request.CallingAETitle))
        {
            return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 3);
        }
        var identity = request.UserInformation.UserIdentity;
        ReadOnlyMemory<byte>? identityResponse = null;
        if (policy.UserIdentityValidator is { } validate)
        {
            if (validate(identity, request.CallingAETitle) is not { } response)
            {
                return new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 1);
            }
            if (identity is { PositiveResponseRequested: true })
            {
                identityResponse = identity.IdentityType is UserIdentityType.Username or UserIdentityType.UsernameAndPasscode ? ReadOnlyMemory<byte>.Empty : response.AsMemory();
            }
        }

        var contexts = new List<PresentationContextItem>(request.PresentationContexts.Count);
        foreach (var proposed in request.PresentationContexts)
        {
            if (!policy.AbstractSyntaxes.Contains(proposed.AbstractSyntax!))
            {
                contexts.Add(new PresentationContextItem(proposed.Id, null, [DicomUid.ImplicitVRLittleEndian], PresentationContextResult.AbstractSyntaxNotSupported));
                continue;
            }
            var chosen = policy.TransferSyntaxes.FirstOrDefault(proposed.TransferSyntaxes.Contains);
            contexts.Add(chosen is null
                ? new PresentationContextItem(proposed.Id, null, [DicomUid.ImplicitVRLittleEndian], PresentationContextResult.TransferSyntaxesNotSupported)
                : new PresentationContextItem(proposed.Id, null, [chosen]));
        }

        var asked = request.UserInformation;
        var accepted = request.PresentationContexts.Zip(contexts).Where(c => c.Second.Result == PresentationContextResult.Acceptance)
            .Select(c => c.First.AbstractSyntax).ToHashSet(StringComparer.Ordinal);
        var user = new UserInformation
        {
            MaxPduLength = policy.MaxPduLength,
            ImplementationClassUid = DicomFile.ImplementationClassUid,
            ImplementationVersionName = DicomFile.ImplementationVersionName,
            // One operation at a time each way (PS3.7 D.3.3.3): answered only when proposed.
            AsyncOperationsWindow = asked.AsyncOperationsWindow is null ? null : (1, 1),
            // The requestor may act as SCU; it gets the SCP role (receiving C-GET sub-operations) only under the policy.
            RoleSelections = [.. asked.RoleSelections.Where(r => policy.AbstractSyntaxes.Contains(r.SopClassUid)).Select(r => r with { ScpRole = r.ScpRole && (policy.AcceptScpRole || policy.ScpRoleSopClasses.Contains(r.SopClassUid)) })],
            // Answered only through the application's callbacks; without them the requestor gets no sub-item back.
            ExtendedNegotiations = policy.ExtendedNegotiationResponder is { } answer
                ? [.. asked.ExtendedNegotiations.Where(e => accepted.Contains(e.SopClassUid)).Select(e => answer(e) is { } information ? e with { Information = information } : null).OfType<ExtendedNegotiation>()]
                : [],
            UserIdentityResponse = identityResponse,
        };
        return new AssociatePdu(true, request.CalledAETitle, request.CallingAETitle, contexts, user);
    }
}
