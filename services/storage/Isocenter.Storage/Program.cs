using Isocenter.Storage;

// The storage service: indexes what ingest and DICOMweb store, publishes SeriesChanged and SeriesStable (ARCHITECTURE.md, "Indexing").
var app = StorageHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
