using Isocenter.Ingest;
using Isocenter.ObjectStore;
using Isocenter.ServiceDefaults;

// The ingest service: the archive's DIMSE SCP (docs/archive.md, "Ingest").
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.Services.AddSingleton<IObjectStore>(new FileSystemObjectStore(
    builder.Configuration["ObjectStore:Root"] ?? throw new InvalidOperationException("ObjectStore:Root (the object folder) is not configured.")));
// LEAD: register the index here (builder.Services.AddIndex(builder.Configuration)) once Isocenter.Index has it; with an
// IIndexStore registered the SCP answers C-FIND, C-MOVE and C-GET too, without one C-ECHO and C-STORE only.
builder.AddIngest();
var app = builder.Build();
app.MapDefaultEndpoints();
await app.RunAsync().ConfigureAwait(false);
