using Isocenter.Gateway.Auth;
using Isocenter.Gateway.Login;
using Microsoft.AspNetCore.Http.Extensions;

namespace Isocenter.Gateway.Sessions;

/// <summary>The body of <c>POST /api/launch-tokens</c>: the study, the user (default: the caller) and the minutes (1..60, default 5).</summary>
internal sealed record LaunchTokenRequest(string? StudyInstanceUid, string? User, int? Minutes);

/// <summary>The answer: the token, the viewer URL that carries it, and when it expires.</summary>
internal sealed record LaunchTokenResponse(string Token, string Url, DateTimeOffset ExpiresAt);

/// <summary>
/// Launch from a PACS or HIS (docs/gateway.md, "Launch tokens"): <c>POST /api/launch-tokens</c> mints a short-lived token bound to
/// a study and a user; opening <c>/viewer?StudyInstanceUID=X&amp;launch=T</c> checks it, starts a session for that user scoped to X
/// (cookie <see cref="LaunchSessionAuthenticationHandler.CookieName"/>), asks the review service to prepare X's volumes and goes
/// on to the URL without <c>launch</c> (303); a refused token gets a page saying so (401).
/// </summary>
internal static class LaunchLinks
{
    /// <summary>The minting route.</summary>
    public const string Route = "/api/launch-tokens";

    /// <summary>The viewer's page that launch URLs open.</summary>
    public const string ViewerPage = "/viewer";

    /// <summary>The query parameter that carries the token.</summary>
    public const string Parameter = "launch";

    private const string StudyParameter = "StudyInstanceUID";

    /// <summary>Maps the minting route (staff and service accounts: a scoped session is refused by the scope policy).</summary>
    public static void MapLaunchTokens(this WebApplication app) => app.MapPost(Route, Mint);

    /// <summary>Opens launch URLs; after authentication and the audit (which records the launch as its user), before authorization.</summary>
    public static void UseLaunchLinks(this WebApplication app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Path.Equals(ViewerPage, StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue(Parameter, out var token))
        {
            await OpenAsync(context, token.ToString());
            return;
        }
        await next(context);
    });

    private static IResult Mint(LaunchTokenRequest body, HttpContext context, LaunchTokens tokens)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.StudyInstanceUid is not { } study || !IsUid(study))
        {
            errors["studyInstanceUid"] = ["The study's Study Instance UID is required: digits and dots, at most 64 characters."];
        }
        if (body.Minutes is < 1 or > 60)
        {
            errors["minutes"] = ["A launch token lasts 1 to 60 minutes (default 5)."];
        }
        var user = string.IsNullOrWhiteSpace(body.User) ? GatewayUser.Subject(context.User) : body.User;
        if (errors.Count > 0 || user is null)
        {
            return Results.ValidationProblem(errors, title: "The launch token request is not valid",
                detail: "Send { \"studyInstanceUid\": \"…\", \"user\": \"…\", \"minutes\": 5 }.");
        }
        if (!tokens.CanMint)
        {
            return Results.Problem(statusCode: StatusCodes.Status501NotImplemented, title: "Launch tokens are not configured",
                detail: $"This gateway has no key to sign launch tokens with: set {GatewayAuthOptions.Section}:SigningKey (or a private SigningKeyFile).");
        }
        var (token, expiresAt) = tokens.Mint(LaunchTokens.LaunchPurpose, user, body.StudyInstanceUid!, TimeSpan.FromMinutes(body.Minutes ?? 5));
        var url = new QueryBuilder { { StudyParameter, body.StudyInstanceUid! }, { Parameter, token } };
        return Results.Ok(new LaunchTokenResponse(token, ViewerPage + url.ToQueryString(), expiresAt));
    }

    private static async Task OpenAsync(HttpContext context, string token)
    {
        var request = context.Request;
        var tokens = context.RequestServices.GetRequiredService<LaunchTokens>();
        var launch = await tokens.ValidateAsync(token, LaunchTokens.LaunchPurpose);
        var study = request.Query[StudyParameter].ToString();
        var failure = launch.Failure ?? (launch.Study == study ? null : "it was issued for another study than this link opens");
        if (failure is not null)
        {
            await SessionPages.LaunchRefused(failure).ExecuteAsync(context);
            return;
        }
        var (session, expiresAt) = tokens.Mint(LaunchTokens.SessionPurpose, launch.User!, study, LaunchTokens.SessionLifetime);
        context.User = LaunchSessionAuthenticationHandler.Principal(launch.User!, study); // the audit's user
        context.Response.Cookies.Append(LaunchSessionAuthenticationHandler.CookieName, session,
            BrowserLogin.CookieOptions(request, expiresAt, SameSiteMode.Lax));
        _ = context.RequestServices.GetRequiredService<ReviewServiceClient>().PrepareAsync(study); // fire and forget; failures are logged
        var rest = new QueryBuilder(request.Query.Where(parameter => parameter.Key != Parameter)
            .SelectMany(parameter => parameter.Value.Select(value => KeyValuePair.Create(parameter.Key, value ?? ""))));
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = ViewerPage + rest.ToQueryString();
    }

    /// <summary>A UID (PS3.5 9.1): digits and dots, at most 64 characters.</summary>
    private static bool IsUid(string value) => value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiDigit(c) || c == '.');
}
