using Isocenter.Index;
using Isocenter.Messaging;
using Isocenter.ObjectStore;
using Isocenter.Review.Findings;
using Isocenter.Review.ReadingSets;
using Isocenter.Review.ShareLinks;
using Isocenter.ServiceDefaults;

namespace Isocenter.Review;

/// <summary>The service's web host; <c>Program.cs</c> runs it and the tests start it with their own settings.</summary>
public static class ReviewHost
{
    /// <summary>
    /// The host, configured from <paramref name="args"/>, appsettings.json and the environment; <paramref name="configure"/>
    /// (tests) sees the builder before it is built. Without a valid <c>Review:ShareLinkKey</c> it throws, saying what to set.
    /// </summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.AddServiceDefaults();
        builder.Services.AddIndex(builder.Configuration);
        builder.Services.AddObjectStore(builder.Configuration);
        builder.Services.AddProblemErrors();
        builder.Services.AddReview(builder.Configuration); // before messaging: migrations run before consumers start
        builder.AddIsocenterMessaging("review", bus => bus.AddReviewConsumers());
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseProblemErrors();
        app.MapDefaultEndpoints();
        var sets = app.MapReadingSets();
        app.MapShareLinks(sets);
        sets.MapExports();
        app.MapReview();
        app.MapPrepare();
        return app;
    }
}
