using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Tests.Association;

/// <summary>The acceptor's answers to user identity (PS3.7 D.3.3.7) and SOP Class Extended Negotiation (D.3.3.5).</summary>
public class AssociationNegotiatorTests
{
    private static readonly AcceptorPolicy Policy = new()
    {
        AbstractSyntaxes = new HashSet<string>([DicomUid.Verification, DicomUid.StudyRootQueryRetrieveInformationModelFind], StringComparer.Ordinal),
    };

    private static AssociatePdu Request(UserIdentityRequest? identity = null, params ExtendedNegotiation[] extended) => new(false, "ISOCENTER", "SCU",
        [new PresentationContextItem(1, DicomUid.StudyRootQueryRetrieveInformationModelFind, [DicomUid.ExplicitVRLittleEndian]),
         new PresentationContextItem(3, DicomUid.MRImageStorage, [DicomUid.ExplicitVRLittleEndian])],
        new UserInformation { MaxPduLength = 16384, UserIdentity = identity, ExtendedNegotiations = extended });

    private static UserIdentityRequest Jwt(string token, bool positive = true) => new(UserIdentityType.Jwt, positive, System.Text.Encoding.ASCII.GetBytes(token), ReadOnlyMemory<byte>.Empty);

    private static byte[]? ValidToken(UserIdentityRequest? identity, string callingAETitle) =>
        identity is { IdentityType: UserIdentityType.Jwt } && identity.PrimaryField.Span.SequenceEqual("good"u8) ? "welcome"u8.ToArray() : null;

    [Fact]
    public void Negotiate_ValidatorAccepts_AnswersWithTheServerResponseWhenAsked()
    {
        var policy = Policy with { UserIdentityValidator = ValidToken };

        var accept = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(Jwt("good")), policy));
        var silent = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(Jwt("good", positive: false)), policy));

        Assert.Equal("welcome"u8.ToArray(), accept.UserInformation.UserIdentityResponse?.ToArray());
        Assert.Null(silent.UserInformation.UserIdentityResponse);
    }

    [Fact]
    public void Negotiate_UsernamePasscodeAccepted_ServerResponseIsEmpty()
    {
        // PS3.7 D.3.3.7.2: the server response is zero length for username and username/passcode.
        var policy = Policy with { UserIdentityValidator = (_, _) => "ignored"u8.ToArray() };
        var identity = new UserIdentityRequest(UserIdentityType.UsernameAndPasscode, true, "alice"u8.ToArray(), "secret"u8.ToArray());

        var accept = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(identity), policy));

        Assert.Equal(0, accept.UserInformation.UserIdentityResponse?.Length);
    }

    [Theory]
    [InlineData("bad")]
    [InlineData(null)]
    public void Negotiate_ValidatorRefuses_RejectsPermanentlyNoReasonGiven(string? token)
    {
        var reject = Assert.IsType<AssociateRejectPdu>(AssociationNegotiator.Negotiate(Request(token is null ? null : Jwt(token)), Policy with { UserIdentityValidator = ValidToken }));

        Assert.Equal(new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 1), reject);
    }

    [Fact]
    public void Negotiate_NoValidator_IdentityNeitherCheckedNorAnswered()
    {
        var accept = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(Jwt("bad")), Policy));

        Assert.Null(accept.UserInformation.UserIdentityResponse);
    }

    [Fact]
    public void Negotiate_ExtendedNegotiation_AnsweredForAcceptedSopClassesOnly()
    {
        // PS3.4 C.5.1: C-FIND extended negotiation, byte 0 relational queries, byte 1 date-time matching.
        var find = new ExtendedNegotiation(DicomUid.StudyRootQueryRetrieveInformationModelFind, new byte[] { 1, 1 });
        var refused = new ExtendedNegotiation(DicomUid.MRImageStorage, new byte[] { 1 });
        var policy = Policy with { ExtendedNegotiationResponder = proposed => new byte[] { 0, proposed.Information.Span[1] } };

        var answered = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(null, find, refused), policy));
        var unanswered = Assert.IsType<AssociatePdu>(AssociationNegotiator.Negotiate(Request(null, find, refused), Policy));

        Assert.Equal([find with { Information = new byte[] { 0, 1 } }], answered.UserInformation.ExtendedNegotiations);
        Assert.Empty(unanswered.UserInformation.ExtendedNegotiations);
    }
}
