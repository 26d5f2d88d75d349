using Isocenter.Ingest;

// The ingest service: the archive's DIMSE SCP (docs/archive.md, "Ingest").
var app = IngestHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
