using Isocenter.Messaging;
using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;
using Isocenter.Thumbnails;

// The thumbnail service: consumes SeriesStable, writes thumbnails/{study}/{series}.jpg (docs/thumbnails.md).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddObjectStore(builder.Configuration);
builder.Services.AddThumbnails();
builder.AddIsocenterMessaging("thumbnails", bus => bus.AddThumbnailConsumers());
var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync().ConfigureAwait(false);
