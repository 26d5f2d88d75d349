using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;
using Isocenter.Thumbnails;
using MassTransit;

// The thumbnail service: consumes SeriesStable, writes thumbnails/{study}/{series}.jpg (docs/thumbnails.md).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddSingleton<IObjectStore>(new FileSystemObjectStore(
    builder.Configuration["ObjectStore:Root"] ?? throw new InvalidOperationException("ObjectStore:Root (the object folder) is not configured.")));
builder.Services.AddThumbnails();
builder.Services.AddMassTransit(bus =>
{
    bus.AddThumbnailConsumers();
    // In memory until the archive issue brings RabbitMQ (Isocenter.Messaging).
    bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
});
var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync().ConfigureAwait(false);
