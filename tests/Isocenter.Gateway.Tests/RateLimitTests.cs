using System.Net;

namespace Isocenter.Gateway.Tests;

/// <summary>Per-user rate limits (issue 6): one user over the limit is refused, another still passes.</summary>
[Collection(GatewayCollection.Name)]
public sealed class RateLimitTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Request_UserOverLimit_429WithRetryAfterWhileAnotherUserPasses()
    {
        var flood = "flood-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < GatewayFixture.PermitLimit; i++)
        {
            using var allowed = await gateway.GetAsUserAsync("/dicomweb/studies", flood);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await gateway.GetAsUserAsync("/dicomweb/studies", flood);
        using var other = await gateway.GetAsUserAsync("/dicomweb/studies", "calm-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
