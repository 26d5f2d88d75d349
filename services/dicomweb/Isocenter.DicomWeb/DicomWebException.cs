using Microsoft.AspNetCore.Diagnostics;

namespace Isocenter.DicomWeb;

/// <summary>
/// A request the service refuses, with the HTTP status (PS3.18 8.6.3: 400, 404, 406, 409, 413, 415…) and a reason a person
/// can act on; the error middleware writes it as <c>application/problem+json</c>.
/// </summary>
public sealed class DicomWebException(int status, string detail) : Exception(detail)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>400: the request is malformed (a bad UID, parameter or query key).</summary>
    public static DicomWebException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>404: the resource does not exist.</summary>
    public static DicomWebException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    /// <summary>406: none of the acceptable media types or transfer syntaxes can be produced.</summary>
    public static DicomWebException NotAcceptable(string detail) => new(StatusCodes.Status406NotAcceptable, detail);

    /// <summary>409: the request conflicts with what is stored.</summary>
    public static DicomWebException Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);

    /// <summary>415: the body's media type is not one the resource accepts.</summary>
    public static DicomWebException UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, detail);
}

/// <summary>The one place where exceptions become HTTP statuses.</summary>
public static class DicomWebErrors
{
    /// <summary>ProblemDetails bodies carry a <see cref="DicomWebException"/>'s reason as their detail.</summary>
    public static IServiceCollection AddDicomWebErrors(this IServiceCollection services) =>
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = context =>
        {
            if (context.Exception is DicomWebException or BadHttpRequestException)
            {
                context.ProblemDetails.Detail = context.Exception.Message;
            }
        });

    /// <summary>
    /// Answers <see cref="DicomWebException"/> with its status, a malformed or oversized request with its 400 or 413 and
    /// anything else with 500, each as ProblemDetails (<see cref="DicomWebMediaTypes.Problem"/>); statuses without a body
    /// (a 404 of routing, a 405) get one too.
    /// </summary>
    public static WebApplication UseDicomWebErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                DicomWebException problem => problem.Status,
                BadHttpRequestException bad => bad.StatusCode,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        return app;
    }
}
