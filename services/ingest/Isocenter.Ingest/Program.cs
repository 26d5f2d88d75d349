using Isocenter.Index;
using Isocenter.Ingest;
using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;

// The ingest service: the archive's DIMSE SCP (docs/archive.md, "Ingest").
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddObjectStore(builder.Configuration);
builder.Services.AddIndex(builder.Configuration);
builder.AddIngest();
var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync().ConfigureAwait(false);
