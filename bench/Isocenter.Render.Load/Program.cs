using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Isocenter.Archive.Store;
using Isocenter.Cli.Demo;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Index;
using Isocenter.ObjectStore;
using Isocenter.Render;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Isocenter.Render.Load --index CONNECTION --objects DIR [--slices N] [--size N] [--image N] [--frames N] [--sessions N]
//   [--seconds S] [--cpu-frames N] [--cpu-sessions N]
// Puts a demo CT series (N slices of N×N) into the archive (the object store folder and the PostgreSQL index, as ingest and
// storage would), then measures the render service in this process on CUDA (Render:Accelerator Auto) and on the SIMD CPU
// renderer, one after the other: the first 3D image of the series (cold: index, object reads, decoding, upload, render,
// JPEG), request → JPEG bytes over loopback HTTP for each frame type (warm), and concurrent WebSocket sessions each
// dragging (interactive frames back to back) for S seconds. No broker is needed: the cache's messages are not measured.
var options = Options.Parse(args);
Console.WriteLine($"series {options.Slices} slices of {options.Size}², images {options.Image}², {Environment.ProcessorCount} cores");
string? path = null;
foreach (var cpu in new[] { false, true })
{
    await using var host = await StartAsync(options, cpu);
    path ??= await SeedAsync(host.App.Services, options);
    using var http = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(5) };
    var status = await http.GetStringAsync(new Uri("render", UriKind.Relative));
    ArgumentNullException.ThrowIfNull(path);
    Console.WriteLine($"\n## {(cpu ? "CPU renderer" : "Auto (GPU when present)")}: {status}");
    var first = Stopwatch.StartNew();
    var bytes = await http.GetByteArrayAsync(new Uri($"{path}/volume?preset=ct-bone&size={options.Image}x{options.Image}", UriKind.Relative));
    Console.WriteLine($"first 3D image (cold: index, objects, decode, upload, render, JPEG {bytes.Length / 1024} KiB): {first.Elapsed.TotalMilliseconds:0} ms");
    var frames = cpu ? options.CpuFrames : options.Frames;
    Console.WriteLine($"\nrequest → JPEG bytes, loopback HTTP, {options.Image}², {frames} requests each (orbit / scroll), ms:");
    Console.WriteLine("| frame | p50 | p95 | server render p50 | server encode p50 | KiB |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var (name, query) in FrameTypes)
    {
        await LatencyAsync(http, path, name, query, options.Image, frames);
    }
    await SessionsAsync(host.Address, path, options, cpu ? options.CpuSessions : options.Sessions);
}

// The demo series written to the object store and indexed through the host's own services; returns its render path.
static async Task<string> SeedAsync(IServiceProvider services, Options options)
{
    var folder = Directory.CreateTempSubdirectory("isocenter-render-load-").FullName;
    var clock = Stopwatch.StartNew();
    DemoCommand.Run(["--out", folder, "--patients", "1", "--slices", options.Slices.ToString(CultureInfo.InvariantCulture),
        "--size", options.Size.ToString(CultureInfo.InvariantCulture), "--id-prefix", "RENDERLOAD"]);
    await services.GetRequiredService<IndexMigrator>().MigrateAsync(CancellationToken.None);
    var store = services.GetRequiredService<IObjectStore>();
    var received = new List<InstanceReceived>();
    foreach (var file in Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories))
    {
        var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        string Uid(DicomTag tag) => dataset.GetString(tag)!;
        var key = ObjectKeys.Instance(Uid(DicomTag.StudyInstanceUID), Uid(DicomTag.SeriesInstanceUID), Uid(DicomTag.SOPInstanceUID));
        var bytes = await File.ReadAllBytesAsync(file);
        await store.PutAsync(key, new MemoryStream(bytes), CancellationToken.None);
        received.Add(new InstanceReceived(Uid(DicomTag.StudyInstanceUID), Uid(DicomTag.SeriesInstanceUID), Uid(DicomTag.SOPInstanceUID),
            Uid(DicomTag.SOPClassUID), DicomTransferSyntax.ExplicitVRLittleEndian.Uid, key, bytes.Length,
            ObjectChecksum.Of(bytes), InstanceHeader.ToJson(dataset), null, DateTimeOffset.UtcNow));
    }
    await services.GetRequiredService<IIndexStore>().UpsertAsync(received, CancellationToken.None);
    Directory.Delete(folder, recursive: true);
    Console.WriteLine($"seeded {received.Count} instances ({received.Sum(r => r.Size) >> 20} MiB) into the object store and the index in {clock.Elapsed.TotalSeconds:0.0} s");
    return $"render/studies/{received[0].StudyInstanceUid}/series/{received[0].SeriesInstanceUid}";
}

// The host's settings as command-line arguments (read before anything else is configured).
static string[] Settings(Options options, bool cpu) =>
[
    "--urls", "http://127.0.0.1:0",
    $"--ConnectionStrings:Index={options.Index}",
    "--ConnectionStrings:RabbitMq=amqp://guest:guest@127.0.0.1:1/", // no broker here: the cache's messages are not measured
    $"--ObjectStore:Root={options.Objects}",
    $"--Render:Accelerator={(cpu ? "Cpu" : "Auto")}",
    "--Logging:LogLevel:Default=Warning",
    "--Logging:LogLevel:MassTransit=None",
    "--Logging:LogLevel:Isocenter.Render=Information",
    "--Logging:LogLevel:Isocenter.Render.Sessions=Warning",
];

static async Task<RunningHost> StartAsync(Options options, bool cpu)
{
    var app = RenderHost.Create(Settings(options, cpu), builder => builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = false));
    await app.StartAsync();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    return new RunningHost(app, new Uri(address + "/"));
}

static async Task LatencyAsync(HttpClient http, string path, string name, string query, int image, int frames)
{
    var wall = new List<double>();
    var render = new List<double>();
    var encode = new List<double>();
    long size = 0;
    for (var i = -2; i < frames; i++) // two warm-up requests
    {
        var angle = (i * 360.0 / frames).ToString("0.###", CultureInfo.InvariantCulture);
        var offset = ((i % 100) - 50).ToString(CultureInfo.InvariantCulture);
        var uri = new Uri($"{path}/{query.Replace("{a}", angle, StringComparison.Ordinal).Replace("{o}", offset, StringComparison.Ordinal)}&size={image}x{image}", UriKind.Relative);
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(uri);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        if (i < 0)
        {
            continue;
        }
        wall.Add(elapsed);
        size += bytes.Length;
        var timing = response.Headers.GetValues("Server-Timing").Single().Split(',', StringSplitOptions.TrimEntries);
        render.Add(double.Parse(timing[0]["render;dur=".Length..], CultureInfo.InvariantCulture));
        encode.Add(double.Parse(timing[1]["encode;dur=".Length..], CultureInfo.InvariantCulture));
    }
    Console.WriteLine($"| {name} | {Percentile(wall, 50):0.00} | {Percentile(wall, 95):0.00} | {Percentile(render, 50):0.00} | {Percentile(encode, 50):0.00} | {size / frames / 1024} |");
}

static async Task SessionsAsync(Uri address, string path, Options options, int count)
{
    var uri = new UriBuilder(new Uri(address, $"{path}/session")) { Scheme = "ws" }.Uri;
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
    var sessions = Enumerable.Range(0, count).Select(async s =>
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Isocenter-User", $"reviewer-{s}");
        await socket.ConnectAsync(uri, CancellationToken.None);
        var buffer = new byte[1 << 20];
        var frames = 0;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            var angle = (s * 15 + frames * 2).ToString(CultureInfo.InvariantCulture);
            var sent = clock.Elapsed.TotalMilliseconds;
            await socket.SendAsync(Encoding.UTF8.GetBytes($"kind=volume&preset=ct-bone&azimuth={angle}&size={options.Image}x{options.Image}&interacting=1&seq={frames}"),
                WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            for (var part = 0; part < 2; part++)
            {
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                }
                while (!result.EndOfMessage);
            }
            latencies.Add(clock.Elapsed.TotalMilliseconds - sent);
            frames++;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        return (Fps: frames / seconds, Latencies: latencies);
    }).ToList();
    var results = await Task.WhenAll(sessions);
    var fps = results.Select(r => r.Fps).Order().ToList();
    var all = results.SelectMany(r => r.Latencies).ToList();
    Console.WriteLine($"\n{count} sessions dragging at once for {options.Seconds} s (interactive frames: half of {options.Image}², JPEG q70, each sent when the last arrived):");
    Console.WriteLine($"frames/s per session: min {fps[0]:0.0}, median {fps[fps.Count / 2]:0.0}, max {fps[^1]:0.0}; all sessions {fps.Sum():0} frames/s; "
        + $"request → frame p50 {Percentile(all, 50):0.0} ms, p95 {Percentile(all, 95):0.0} ms");
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

internal sealed partial class Program
{
    private static readonly (string Name, string Query)[] FrameTypes =
    [
        ("DVR ct-bone", "volume?preset=ct-bone&azimuth={a}"),
        ("DVR ct-angio", "volume?preset=ct-angio&azimuth={a}"),
        ("MIP", "volume?mode=mip&azimuth={a}"),
        ("MPR axial (thin)", "mpr?plane=axial&offset={o}"),
        ("MPR oblique 20 mm MIP slab", "mpr?plane=oblique&normal=1,1,0.3&slab=20&mode=mip&offset={o}"),
    ];
}

internal sealed record RunningHost(WebApplication App, Uri Address) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

internal sealed record Options(string Index, string Objects, int Slices, int Size, int Image, int Frames, int Sessions, int Seconds, int CpuFrames, int CpuSessions)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(
            Value("--index") ?? throw new ArgumentException("--index CONNECTION (the PostgreSQL index) is required."),
            Value("--objects") ?? throw new ArgumentException("--objects DIR (the filesystem object store) is required."),
            Number("--slices", 512), Number("--size", 512), Number("--image", 1024), Number("--frames", 100), Number("--sessions", 24),
            Number("--seconds", 10), Number("--cpu-frames", 3), Number("--cpu-sessions", 4));
    }
}
