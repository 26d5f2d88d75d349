using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Isocenter.ServiceDefaults;

/// <summary>
/// A request a service refuses, with its HTTP status and a reason a person can act on; <see cref="ProblemErrors"/> writes it
/// as <c>application/problem+json</c>. Each service derives its own (with factories for the statuses it uses).
/// </summary>
public class ProblemException(int status, string detail, Exception? inner = null) : Exception(detail, inner)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;
}

/// <summary>The one place where a service's exceptions become HTTP statuses.</summary>
public static class ProblemErrors
{
    /// <summary>ProblemDetails bodies carry a <see cref="ProblemException"/>'s (or a malformed request's) reason as their detail.</summary>
    public static IServiceCollection AddProblemErrors(this IServiceCollection services) =>
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = context =>
        {
            if (context.Exception is ProblemException or BadHttpRequestException)
            {
                context.ProblemDetails.Detail = context.Exception.Message;
            }
        });

    /// <summary>
    /// Answers a <see cref="ProblemException"/> with its status, a malformed or oversized request with its 400 or 413 and
    /// anything else with 500, each as ProblemDetails; statuses without a body (a 404 of routing, a 405) get one too.
    /// </summary>
    public static WebApplication UseProblemErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                ProblemException problem => problem.Status,
                BadHttpRequestException bad => bad.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
