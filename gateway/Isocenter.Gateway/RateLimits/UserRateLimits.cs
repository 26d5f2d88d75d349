using System.Globalization;
using System.Threading.RateLimiting;
using Isocenter.Gateway.Auth;

namespace Isocenter.Gateway.RateLimits;

/// <summary>
/// Per-user rate limits (<c>Gateway:RateLimit</c>): each authenticated user (token subject or API key name) has
/// <see cref="PermitLimit"/> requests per <see cref="Window"/>; beyond, 429 with Retry-After.
/// </summary>
internal sealed record UserRateLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Gateway:RateLimit";

    /// <summary>Requests per window and user.</summary>
    public int PermitLimit { get; init; } = 2000;

    /// <summary>The window.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Registers the per-user limiter.</summary>
internal static class UserRateLimitsExtensions
{
    /// <summary>A global limiter partitioned by user; unauthenticated requests (refused anyway, or health) are not counted.</summary>
    public static IServiceCollection AddUserRateLimits(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRateLimiter(options =>
        {
            var limits = configuration.GetSection(UserRateLimits.Section).Get<UserRateLimits>() ?? new();
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                GatewayUser.Subject(context.User) is { } user
                    ? RateLimitPartition.GetFixedWindowLimiter($"{GatewayUser.Scheme(context.User)}:{user}",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PermitLimit, Window = limits.Window, QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter(""));
            options.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }
                return ValueTask.CompletedTask;
            };
        });
}
