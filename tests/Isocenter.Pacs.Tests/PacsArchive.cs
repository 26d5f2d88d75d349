namespace Isocenter.Pacs.Tests;

/// <summary>
/// The archive with its PACS service, as processes on a database, virtual host and object store folder of their own; a
/// client of the PACS service's API. Shared by the test classes of a collection; each test uses nodes of its own names.
/// </summary>
public sealed class PacsArchive : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-pacs-").FullName;

    public LocalArchive Running { get; private set; } = null!;

    /// <summary>The object store's folder (the filesystem store): objects are at <c>{ObjectsRoot}/{key}</c>.</summary>
    public string ObjectsRoot => Path.Combine(_folder, "objects");

    /// <summary>A client of the PACS service (relative URIs such as <c>api/dicom-nodes</c>).</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Kind"] = "FileSystem", ["ObjectStore:Root"] = ObjectsRoot },
            new Dictionary<string, string>
            {
                ["Pacs:Nodes:SEEDED:AETitle"] = "SEEDED",
                ["Pacs:Nodes:SEEDED:Host"] = "127.0.0.1",
                ["Pacs:Nodes:SEEDED:Port"] = "104",
                ["Pacs:Nodes:SEEDED:RetrieveMethod"] = "C-GET",
            },
            withPacs: true);
        Client = new HttpClient { BaseAddress = Running.Pacs!.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Running.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>The test classes that share one <see cref="PacsArchive"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PacsCollection : ICollectionFixture<PacsArchive>
{
    public const string Name = "PACS archive";
}
