using Isocenter.Render;

// The render service: volumes from the archive rendered on the GPU (or the CPU) to images and WebSocket frames (docs/render.md).
await RenderHost.Create(args).RunAsync().ConfigureAwait(false);
