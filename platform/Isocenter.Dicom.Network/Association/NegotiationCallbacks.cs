using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>
/// Decides on the user identity of an A-ASSOCIATE-RQ (PS3.7 D.3.3.7; <paramref name="identity"/> is null when it carries
/// none): null rejects the association (A-ASSOCIATE-RJ permanent, service user, no reason given); an array (empty when
/// there is nothing to say) accepts it, and when the requestor asked for a positive response the A-ASSOCIATE-AC carries it
/// as the server response (Kerberos server ticket, SAML response; empty for username and username/passcode, as D.3.3.7.2
/// requires).
/// </summary>
public delegate byte[]? UserIdentityValidator(UserIdentityRequest? identity, string callingAETitle);

/// <summary>
/// Answers a SOP Class Extended Negotiation sub-item (PS3.7 D.3.3.5) of an accepted SOP class: the service-class
/// application information to return (for C-FIND, PS3.4 C.5: relational queries, date-time matching, fuzzy matching ...),
/// or null to leave it unanswered, which means none of the options is supported.
/// </summary>
public delegate byte[]? ExtendedNegotiationResponder(ExtendedNegotiation proposed);

/// <summary>
/// Decides whether <paramref name="callingAETitle"/> may associate from <paramref name="remote"/> (the peer's address):
/// null accepts; otherwise the reason it is refused, which is logged, and the requestor gets A-ASSOCIATE-RJ (permanent,
/// service user, calling AE title not recognized). Asked only for an association the negotiation would accept.
/// </summary>
public delegate string? CallingPeerValidator(string callingAETitle, System.Net.IPEndPoint? remote);
