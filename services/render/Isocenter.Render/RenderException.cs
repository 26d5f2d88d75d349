using Microsoft.AspNetCore.Diagnostics;

namespace Isocenter.Render;

/// <summary>A request the service refuses, with its HTTP status and a reason a person can act on (written as ProblemDetails).</summary>
public sealed class RenderException(int status, string detail, Exception? inner = null) : Exception(detail, inner)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>400: a malformed parameter or UID.</summary>
    public static RenderException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, detail);

    /// <summary>404: the series is not in the archive.</summary>
    public static RenderException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    /// <summary>422: the series is there but cannot be made into a volume (the reason names the slices).</summary>
    public static RenderException NotRenderable(string detail, Exception inner) => new(StatusCodes.Status422UnprocessableEntity, detail, inner);

    /// <summary>503: the instance cannot take more (sessions, memory); another may.</summary>
    public static RenderException Unavailable(string detail) => new(StatusCodes.Status503ServiceUnavailable, detail);
}

/// <summary>The one place where exceptions become HTTP statuses.</summary>
internal static class RenderErrors
{
    /// <summary>ProblemDetails bodies carry a <see cref="RenderException"/>'s reason as their detail.</summary>
    public static IServiceCollection AddRenderErrors(this IServiceCollection services) =>
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails = context =>
        {
            if (context.Exception is RenderException)
            {
                context.ProblemDetails.Detail = context.Exception.Message;
            }
        });

    /// <summary>Answers <see cref="RenderException"/> with its status and anything else with 500, as ProblemDetails.</summary>
    public static WebApplication UseRenderErrors(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is RenderException problem ? problem.Status : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        return app;
    }
}
