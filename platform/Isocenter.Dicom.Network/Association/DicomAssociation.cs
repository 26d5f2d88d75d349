using System.Net;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>An accepted presentation context: abstract syntax and the one transfer syntax chosen for it.</summary>
public sealed record PresentationContext(byte Id, string AbstractSyntax, DicomTransferSyntax TransferSyntax);

/// <summary>What was agreed when an association was established, as the application sees it.</summary>
public sealed class DicomAssociation
{
    internal DicomAssociation(AssociatePdu request, AssociatePdu accept, EndPoint? remoteEndPoint)
    {
        Request = request;
        Accept = accept;
        RemoteEndPoint = remoteEndPoint;
        var proposed = request.PresentationContexts.ToDictionary(c => c.Id);
        PresentationContexts = accept.PresentationContexts
            .Where(c => c.Result == PresentationContextResult.Acceptance && c.TransferSyntaxes.Count == 1 && proposed.ContainsKey(c.Id))
            .ToDictionary(c => c.Id, c => new PresentationContext(c.Id, proposed[c.Id].AbstractSyntax!, DicomTransferSyntax.Parse(c.TransferSyntaxes[0])));
    }

    /// <summary>The A-ASSOCIATE-RQ as received or sent.</summary>
    public AssociatePdu Request { get; }

    /// <summary>The A-ASSOCIATE-AC as sent or received.</summary>
    public AssociatePdu Accept { get; }

    /// <summary>Calling AE title (the association requestor).</summary>
    public string CallingAETitle => Request.CallingAETitle;

    /// <summary>Called AE title (the association acceptor).</summary>
    public string CalledAETitle => Request.CalledAETitle;

    /// <summary>The peer's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Accepted presentation contexts by ID.</summary>
    public IReadOnlyDictionary<byte, PresentationContext> PresentationContexts { get; }

    /// <summary>User identity the requestor sent (PS3.7 D.3.3.7), or null.</summary>
    public UserIdentityRequest? UserIdentity => Request.UserInformation.UserIdentity;

    /// <summary>SOP Class Extended Negotiation the requestor sent, as opaque bytes.</summary>
    public IReadOnlyList<ExtendedNegotiation> ExtendedNegotiations => Request.UserInformation.ExtendedNegotiations;

    /// <summary>The first accepted context for <paramref name="abstractSyntax"/> in <paramref name="transferSyntax"/> (any when null).</summary>
    public PresentationContext? FindContext(string abstractSyntax, DicomTransferSyntax? transferSyntax = null) =>
        PresentationContexts.Values.FirstOrDefault(c => c.AbstractSyntax == abstractSyntax && (transferSyntax is null || c.TransferSyntax.Equals(transferSyntax)));

    /// <inheritdoc/>
    public override string ToString() => $"{CallingAETitle} -> {CalledAETitle} ({RemoteEndPoint})";
}
