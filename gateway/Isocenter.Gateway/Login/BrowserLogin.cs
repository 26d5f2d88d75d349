using Isocenter.Gateway.Audit;
using Isocenter.Gateway.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Isocenter.Gateway.Login;

/// <summary>
/// The browser's login (docs/gateway.md, "Browser login"): <c>GET /login</c> shows a form for a token, <c>POST /login</c> checks it
/// as the bearer scheme checks an Authorization header and keeps it in the HttpOnly, SameSite=Strict cookie <see cref="CookieName"/>,
/// which the bearer scheme reads when a request has no Authorization header: images, EventSource and WebSockets cannot send headers.
/// </summary>
internal static class BrowserLogin
{
    /// <summary>The login page (GET) and form target (POST).</summary>
    public const string LoginPath = "/login";

    /// <summary>Clears the cookie (POST).</summary>
    public const string LogoutPath = "/logout";

    /// <summary>The cookie that carries the token.</summary>
    public const string CookieName = "isocenter_session";

    private const string DefaultReturn = "/";

    private static readonly string[] GatewayCookies = [CookieName, ShareLinkAuthenticationHandler.CookieName, LaunchSessionAuthenticationHandler.CookieName];

    // Browsers keep cookies of about 4096 bytes, name and attributes included.
    private const int MaxCookieToken = 3900;

    /// <summary>
    /// The bearer scheme's events: the token comes from the login form on <c>POST /login</c>, else from the cookie when no
    /// Authorization header is present; an unauthenticated page navigation is sent to the login page instead of a 401.
    /// </summary>
    public static JwtBearerEvents BearerEvents() => new() { OnMessageReceived = ReadTokenAsync, OnChallenge = RedirectNavigationToLogin };

    /// <summary>Maps the login page, the form's target and logout; all three are open (they hold no data).</summary>
    public static void MapBrowserLogin(this WebApplication app)
    {
        app.MapGet(LoginPath, ShowLogin).AllowAnonymous();
        app.MapPost(LoginPath, LoginAsync).AllowAnonymous().DisableAntiforgery().WithMetadata(AuditedOpenEndpoint.Instance);
        app.MapPost(LogoutPath, Logout).AllowAnonymous().DisableAntiforgery().WithMetadata(AuditedOpenEndpoint.Instance);
    }

    /// <summary>
    /// <paramref name="requested"/> when it is a path on this origin (starts with one <c>/</c>, no <c>//</c> or <c>/\</c> that a
    /// browser would read as another host, no control characters), else <c>/</c>: the login never redirects elsewhere.
    /// </summary>
    internal static string LocalReturn(string? requested) =>
        requested is ['/', ..] && !requested.StartsWith("//", StringComparison.Ordinal) && !requested.StartsWith("/\\", StringComparison.Ordinal)
            && !requested.Any(char.IsControl)
            ? requested
            : DefaultReturn;

    /// <summary>
    /// A Cookie header's value without the gateway's session cookies (<see cref="CookieName"/>, a share link's and a launch
    /// session's: the tokens stay at the gateway), or null when nothing is left.
    /// </summary>
    internal static string? WithoutSessionCookie(IEnumerable<string> cookieHeaders)
    {
        var kept = cookieHeaders.SelectMany(header => header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(cookie => !GatewayCookies.Any(name => cookie.StartsWith(name + "=", StringComparison.Ordinal)))
            .ToList();
        return kept.Count == 0 ? null : string.Join("; ", kept);
    }

    private static async Task ReadTokenAsync(MessageReceivedContext context)
    {
        var request = context.Request;
        if (IsLoginForm(request))
        {
            var token = TokenOf(await request.ReadFormAsync(context.HttpContext.RequestAborted));
            if (token is null)
            {
                context.NoResult();
                return;
            }
            context.Token = token;
        }
        else if (string.IsNullOrEmpty(request.Headers.Authorization) && request.Cookies.TryGetValue(CookieName, out var cookie))
        {
            context.Token = cookie;
        }
    }

    private static Task RedirectNavigationToLogin(JwtBearerChallengeContext context)
    {
        var request = context.Request;
        if (GatewayRoutes.IsPageNavigation(request))
        {
            context.HandleResponse();
            context.Response.Redirect(LoginPath + "?return=" + Uri.EscapeDataString(request.Path + request.QueryString));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The form; a browser that already has a session goes on to <c>return</c>. A navigation from another site (a link in the
    /// PACS) arrives without the SameSite=Strict cookie even when there is a session, so it first gets a page that reloads
    /// this one from here, which the browser then sends with the cookie.
    /// </summary>
    private static IResult ShowLogin(HttpContext context)
    {
        var target = LocalReturn(context.Request.Query["return"]);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return SeeOther(context, target);
        }
        return IsCrossSite(context.Request)
            ? LoginPage.Reload(LoginPath + "?return=" + Uri.EscapeDataString(target))
            : LoginPage.Result(target, message: null, StatusCodes.Status200OK);
    }

    /// <summary>
    /// Sets the cookie for a valid token (the bearer scheme read it from the form, see <see cref="ReadTokenAsync"/>), or answers
    /// the page again with what was wrong. The audit middleware writes the attempt: user (or anonymous), POST /login, status.
    /// </summary>
    private static async Task<IResult> LoginAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
        var target = LocalReturn(form["return"]);
        if (IsCrossSite(context.Request))
        {
            // A form on another site must not log the browser in with its own token (login CSRF).
            return LoginPage.Result(target, "This sign-in came from another site and was refused. Open this page directly and sign in here.",
                StatusCodes.Status403Forbidden);
        }
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        if (!result.Succeeded || TokenOf(form) is not { } token || result.Properties?.ExpiresUtc is not { } expires)
        {
            var message = result.Failure switch
            {
                null => "Paste a token to sign in.",
                SecurityTokenExpiredException => "That token has expired. Get a new one and sign in again.",
                SecurityTokenNotYetValidException => "That token is not valid yet (check this computer's clock).",
                _ => "That token was not accepted: it is malformed, or not issued for this gateway (signature, issuer or audience).",
            };
            return LoginPage.Result(target, message, StatusCodes.Status401Unauthorized);
        }
        if (token.Length > MaxCookieToken)
        {
            // A browser drops a larger cookie without a word: the next page would send the user back here, again and again.
            return LoginPage.Result(target, $"That token is valid but too long ({token.Length} characters) for a browser to keep in a cookie "
                + $"(at most {MaxCookieToken}). Ask for a token without the optional claims (e.g. group lists).", StatusCodes.Status401Unauthorized);
        }
        context.Response.Cookies.Append(CookieName, token, CookieOptions(context.Request, expires));
        return SeeOther(context, target);
    }

    private static IResult Logout(HttpContext context)
    {
        if (IsCrossSite(context.Request))
        {
            return Results.StatusCode(StatusCodes.Status403Forbidden);
        }
        context.Response.Cookies.Delete(CookieName, CookieOptions(context.Request, expires: null));
        return SeeOther(context, LoginPath);
    }

    private static bool IsLoginForm(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase) && request.HasFormContentType;

    /// <summary>The form's token, trimmed, without a pasted "Bearer " prefix; null when empty.</summary>
    private static string? TokenOf(IFormCollection form)
    {
        var token = form["token"].ToString().Trim();
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }
        return token.Length == 0 ? null : token;
    }

    /// <summary>Browsers say where a request comes from (Fetch Metadata); other clients send nothing and are not cross-site.</summary>
    private static bool IsCrossSite(HttpRequest request) => request.Headers["Sec-Fetch-Site"] == "cross-site";

    /// <summary>The options of the gateway's session cookies: HttpOnly, <paramref name="sameSite"/>, Secure on HTTPS, the whole origin, expiring with what they hold.</summary>
    internal static CookieOptions CookieOptions(HttpRequest request, DateTimeOffset? expires, SameSiteMode sameSite = SameSiteMode.Strict) => new()
    {
        HttpOnly = true,
        SameSite = sameSite,
        Secure = request.IsHttps,
        Path = "/",
        Expires = expires,
    };

    private static IResult SeeOther(HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
