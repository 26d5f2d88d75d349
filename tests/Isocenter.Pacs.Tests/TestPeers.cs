namespace Isocenter.Pacs.Tests;

/// <summary>The peers a test starts (Orthancs, storescps) and a folder for their files, removed by <see cref="StopAsync"/>.</summary>
public sealed class TestPeers(string prefix)
{
    private readonly List<IAsyncDisposable> _peers = [];

    /// <summary>A temporary folder of the test's own.</summary>
    public string Folder { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>Keeps <paramref name="peer"/> until the test ends; returns it.</summary>
    public T Add<T>(T peer) where T : IAsyncDisposable
    {
        _peers.Add(peer);
        return peer;
    }

    /// <summary>Stops the peers and deletes the folder (the test's IAsyncLifetime.DisposeAsync).</summary>
    public async Task StopAsync()
    {
        foreach (var peer in _peers)
        {
            await peer.DisposeAsync();
        }
        Directory.Delete(Folder, recursive: true);
    }
}
