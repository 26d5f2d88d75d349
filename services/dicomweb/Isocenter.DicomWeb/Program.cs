using Isocenter.DicomWeb;

// The DICOMweb service: QIDO-RS, WADO-RS, STOW-RS and DELETE under /dicomweb (ARCHITECTURE.md, "Query and retrieve").
var app = DicomWebHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
