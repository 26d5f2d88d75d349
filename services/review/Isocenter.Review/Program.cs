using Isocenter.Review;

// The review service: reading sets, share links, findings and their exports (docs/review.md).
var app = ReviewHost.Create(args);
await app.RunAsync().ConfigureAwait(false);
