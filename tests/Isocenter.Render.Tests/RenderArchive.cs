using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Testing;

namespace Isocenter.Render.Tests;

/// <summary>
/// The archive (storage and ingest) and the render service as processes, on a database, virtual host and object store folder
/// of their own, holding one demo CT study of two series (40 slices of 128 × 128 each, stored through C-STORE and indexed).
/// The service renders on the CPU (CI has no GPU) with a 2 MiB cache: one volume fits, so moving between the series evicts.
/// </summary>
public sealed class RenderArchive : IAsyncLifetime
{
    private static readonly TimeSpan IndexBound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-render-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    /// <summary>The render service.</summary>
    public ServiceProcess Render { get; private set; } = null!;

    /// <summary>A client of <c>…/render/</c>: relative URIs such as <c>studies/{study}/series/{series}/volume</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The demo study.</summary>
    public string Study { get; private set; } = "";

    /// <summary>Its two series, each with the paths of its files in slice order.</summary>
    public List<(string Uid, List<string> Files)> Series { get; } = [];

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = Path.Combine(_folder, "objects") });
        Render = await StartRenderAsync(new Dictionary<string, string> { ["Render:Accelerator"] = "Cpu", ["Render:CacheBudgetMiB"] = "2" });
        Client = new HttpClient { BaseAddress = new Uri(Render.BaseAddress, "render/") };
        var files = Demo("demo", "--patients", "1", "--studies", "1", "--series", "2", "--slices", "40", "--size", "128", "--seed", "7", "--id-prefix", "RENDER");
        foreach (var series in files.GroupBy(f => f.Dataset.GetString(DicomTag.SeriesInstanceUID)!))
        {
            Series.Add((series.Key, [.. series.OrderBy(f => f.Dataset.GetValue<int>(DicomTag.InstanceNumber)).Select(f => f.Path)]));
        }
        Study = files[0].Dataset.GetString(DicomTag.StudyInstanceUID)!;
        await StoreAsync(files);
    }

    /// <summary>Another render service on this archive with <paramref name="settings"/>; the caller disposes it.</summary>
    public Task<ServiceProcess> StartRenderAsync(IReadOnlyDictionary<string, string> settings)
    {
        var all = new Dictionary<string, string>(Running.Settings);
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return ServiceProcess.StartAsync("services/render/Isocenter.Render", all);
    }

    /// <summary>Demo files (<c>isocenter demo</c> with <paramref name="arguments"/>) in a folder of their own, with their headers.</summary>
    public List<(string Path, DicomDataset Dataset)> Demo(string name, params string[] arguments)
    {
        var folder = Path.Combine(_folder, name);
        Assert.Equal(0, DemoCommand.Run(["--out", folder, .. arguments]));
        return [.. Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => (path, DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset))];
    }

    /// <summary>Stores the files through C-STORE and waits (bounded) until they are indexed.</summary>
    public async Task StoreAsync(IReadOnlyCollection<(string Path, DicomDataset Dataset)> files)
    {
        using var timeout = new CancellationTokenSource(IndexBound);
        var client = new DicomClient("127.0.0.1", Running.Port, new DicomClientOptions { CalledAETitle = LocalArchive.AETitle, CallingAETitle = "RENDERTESTS" });
        var stored = await client.StoreAsync(files.Select(f => f.Path), cancellationToken: timeout.Token);
        Assert.All(stored, s => Assert.Equal((ushort)0, s.Status));
        var uids = files.Select(f => f.Dataset.GetString(DicomTag.SOPInstanceUID)!).ToList();
        var indexed = await Running.WaitIndexedAsync(uids, IndexBound);
        Assert.True(uids.All(indexed.Contains), $"not indexed within {IndexBound.TotalSeconds} s:\n{Running.Storage.Log}");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Render.DisposeAsync();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RenderCollection : ICollectionFixture<RenderArchive>
{
    public const string Name = "render";
}
