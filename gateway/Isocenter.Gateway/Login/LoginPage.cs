using System.Text.Encodings.Web;

namespace Isocenter.Gateway.Login;

/// <summary>The login page: self-contained HTML (inline CSS, no script), a form that posts a token and the page to return to.</summary>
internal static class LoginPage
{
    // Nothing but the inline style may load, the form may post only here, and no other site may frame the page (clickjacking).
    private const string SecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    // The pages' one stylesheet, inline (the security policy lets nothing else load).
    private const string Style = """
        <style>
        :root { color-scheme: dark; }
        body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #111418; color: #e8eaed;
               font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
        main { width: min(30rem, calc(100vw - 2rem)); padding: 2rem; background: #1b1f24; border: 1px solid #2e343b; border-radius: 8px; }
        h1 { margin: 0 0 1.5rem; font-size: 1.4rem; font-weight: 600; }
        label { display: block; margin-bottom: .4rem; font-weight: 600; }
        input { box-sizing: border-box; width: 100%; padding: .6rem .7rem; background: #0d0f12; color: #e8eaed;
                border: 1px solid #4a525c; border-radius: 4px; font: inherit; }
        input:focus, button:focus { outline: 2px solid #8ab4f8; outline-offset: 2px; }
        button { margin-top: 1rem; width: 100%; padding: .65rem; background: #8ab4f8; color: #0d0f12; border: 0; border-radius: 4px;
                 font: inherit; font-weight: 600; cursor: pointer; }
        .alert { margin: 0 0 1rem; padding: .6rem .8rem; background: #3b1d1d; border-left: 4px solid #f28b82; color: #fce8e6; }
        .help { margin: 1.5rem 0 0; color: #bdc1c6; font-size: .9rem; }
        code { background: #0d0f12; padding: 0 .25rem; border-radius: 3px; }
        </style>
        """;

    /// <summary>The page with <paramref name="message"/> (none on a first visit) answered with <paramref name="status"/>.</summary>
    public static IResult Result(string returnPath, string? message, int status) => new PageResult(Html(returnPath, message), status);

    /// <summary>A page with <paramref name="title"/> and <paramref name="message"/> only (a link that does not open, and what to do).</summary>
    public static IResult Notice(string title, string message, int status) => new PageResult($$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{HtmlEncoder.Default.Encode(title)}} · Isocenter</title>
        {{Style}}
        </head>
        <body>
        <main>
        <h1>{{HtmlEncoder.Default.Encode(title)}}</h1>
        <p class="alert" role="alert">{{HtmlEncoder.Default.Encode(message)}}</p>
        </main>
        </body>
        </html>
        """, status);

    /// <summary>A page that at once loads <paramref name="location"/> (a path here) as a navigation from this site (meta refresh, no script).</summary>
    public static IResult Reload(string location)
    {
        var encoded = HtmlEncoder.Default.Encode(location);
        return new PageResult($$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={{encoded}}"><title>Isocenter</title>
            <style>:root { color-scheme: dark; } body { background: #111418; color: #e8eaed; font: 16px/1.5 system-ui, sans-serif; }
            a { color: #8ab4f8; }</style></head>
            <body><p><a href="{{encoded}}">Continue to Isocenter</a></p></body>
            </html>
            """, StatusCodes.Status200OK);
    }

    private static string Html(string returnPath, string? message)
    {
        var alert = message is null ? "" : $"""<p class="alert" role="alert">{HtmlEncoder.Default.Encode(message)}</p>""";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Isocenter</title>
            {{Style}}
            </head>
            <body>
            <main>
            <h1>Isocenter</h1>
            {{alert}}
            <form method="post" action="/login">
            <label for="token">Access token</label>
            <input type="password" id="token" name="token" autocomplete="off" spellcheck="false" required autofocus>
            <input type="hidden" name="return" value="{{HtmlEncoder.Default.Encode(returnPath)}}">
            <button type="submit">Sign in</button>
            </form>
            <p class="help">In development, paste the token that <code>./dev.sh up</code> printed (it is also in <code>.dev/token</code>).
            In a hospital, use the token from the hospital's login (its identity provider).</p>
            </main>
            </body>
            </html>
            """;
    }

    private sealed class PageResult(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = SecurityPolicy;
            response.Headers.CacheControl = "no-store";
            response.Headers["Referrer-Policy"] = "no-referrer";
            return response.WriteAsync(html, httpContext.RequestAborted);
        }
    }
}
