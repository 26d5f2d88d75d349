using Isocenter.Gateway.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Isocenter.Gateway.Sessions;

/// <summary>
/// Share-link and launch sessions (docs/gateway.md, "Scoped sessions"): their services, and the middleware that holds them to
/// <see cref="ScopePolicy"/>.
/// </summary>
internal static class ScopedSessions
{
    /// <summary>The header that tells the services a share session's reading set; a client's own is removed.</summary>
    public const string ReadingSetHeader = "X-Isocenter-Reading-Set";

    private const string DicomJson = "application/dicom+json";

    /// <summary>The review service's client, the share-link cache and the launch tokens.</summary>
    public static IServiceCollection AddScopedSessions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpClient<ReviewServiceClient>(http => http.BaseAddress = ReviewServiceClient.BaseAddress(configuration));
        services.AddSingleton<ShareLinks>();
        services.AddSingleton(provider => new LaunchTokens(GatewayAuthOptions.From(configuration), provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Holds each scoped session's request to <see cref="ScopePolicy"/> (after authorization: it needs the user; open endpoints
    /// are left alone): 403 or 404 with a problem body, an empty search result, or on with the narrowed query.
    /// </summary>
    public static void UseScopePolicy(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (SessionScope.Of(context.User) is not { } scope || context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(context);
            return;
        }
        var request = context.Request;
        var decision = ScopePolicy.Decide(request.Method, request.Path, request.Query, scope);
        switch (decision.Verdict)
        {
            case ScopeVerdict.Allow:
                if (decision.Query is { } query)
                {
                    request.QueryString = query;
                }
                await next(context);
                break;
            case ScopeVerdict.EmptySearch:
                context.Response.ContentType = DicomJson;
                await context.Response.WriteAsync("[]", context.RequestAborted);
                break;
            case ScopeVerdict.NotFound:
                await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                    detail: "There is no such study among those this session opens.").ExecuteAsync(context);
                break;
            default:
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not open to this session",
                    detail: $"This session (a review link or a launch from another system) may only read its own studies: {request.Method} {request.Path} "
                        + "is not open to it. Sign in as staff for anything else.").ExecuteAsync(context);
                break;
        }
    });
}
