using Isocenter.Gateway.Proxy;
using Microsoft.AspNetCore.Http;

namespace Isocenter.Gateway.Tests;

/// <summary>The render cluster's choice of destination by series UID (rendezvous hashing).</summary>
public sealed class SeriesAffinityPolicyTests
{
    private static readonly string[] Three = ["render-1", "render-2", "render-3"];

    private static string[] Series(int count) => [.. Enumerable.Range(0, count).Select(i => $"1.2.826.0.1.3680043.8.498.{i}")];

    [Fact]
    public void Choose_SameSeries_SameDestinationWhateverTheOrderOfDestinations()
    {
        foreach (var uid in Series(100))
        {
            var chosen = Three[SeriesAffinityPolicy.Choose(uid, Three)];
            string[] reversed = [.. Three.Reverse()];

            Assert.Equal(chosen, reversed[SeriesAffinityPolicy.Choose(uid, reversed)]);
        }
    }

    [Fact]
    public void Choose_ManySeries_SpreadOverEveryDestination()
    {
        var counts = Series(3000).GroupBy(uid => SeriesAffinityPolicy.Choose(uid, Three)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, count => Assert.InRange(count, 800, 1200)); // 1000 each, give or take
    }

    [Fact]
    public void Choose_DestinationRemoved_OnlyItsSeriesMove()
    {
        string[] two = ["render-1", "render-3"];

        foreach (var uid in Series(1000))
        {
            var before = Three[SeriesAffinityPolicy.Choose(uid, Three)];
            var after = two[SeriesAffinityPolicy.Choose(uid, two)];

            Assert.True(before == "render-2" || before == after, $"{uid} moved from {before} to {after}");
        }
    }

    [Theory]
    [InlineData("/render/studies/1.2.3/series/1.2.3.4/rendered", "", "1.2.3.4")]
    [InlineData("/render/series/1.2.3.5", "", "1.2.3.5")]
    [InlineData("/render/volume", "?SeriesInstanceUID=1.2.3.6", "1.2.3.6")]
    [InlineData("/render/session", "", "/render/session")]
    public void AffinityKey_Request_SeriesUidFromPathQueryOrElsePath(string path, string query, string key)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);

        Assert.Equal(key, SeriesAffinityPolicy.AffinityKey(context.Request));
    }
}
