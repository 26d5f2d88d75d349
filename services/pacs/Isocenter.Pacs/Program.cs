using Isocenter.Pacs;

// The PACS service: remote DICOM nodes, their query, retrieval and send (docs/pacs.md).
var app = PacsHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
