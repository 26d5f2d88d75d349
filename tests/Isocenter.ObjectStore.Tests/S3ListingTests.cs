namespace Isocenter.ObjectStore.Tests;

/// <summary>
/// The Signature Version 4 of the list requests, checked against AWS's own example (s3rver does not check signatures):
/// "Example: GET Bucket (List Objects)" in the S3 API reference, "Signature Calculations for the Authorization Header".
/// </summary>
public sealed class S3ListingTests
{
    [Fact]
    public void Sign_AwsListObjectsExample_GivesTheDocumentedSignature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J");

        S3Listing.Sign(request, "/", "max-keys=2&prefix=J", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1",
            new DateTimeOffset(2013, 5, 24, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal("AWS4-HMAC-SHA256", request.Headers.Authorization?.Scheme);
        Assert.Equal("Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7", request.Headers.Authorization?.Parameter);
        Assert.Equal("20130524T000000Z", Assert.Single(request.Headers.GetValues("x-amz-date")));
    }
}
