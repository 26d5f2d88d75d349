using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Pacs.Tests;

/// <summary>What the send and forward tests share: a small study stored into the archive, a node put in the registry, and what storescp received.</summary>
internal static class SendPeers
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    /// <summary>A demo CT study of <paramref name="slices"/> 64² slices written under <paramref name="folder"/>: its Study Instance UID and files by SOP Instance UID.</summary>
    public static (string StudyInstanceUid, Dictionary<string, string> Files) WriteStudy(string folder, int slices)
    {
        Assert.Equal(0, DemoCommand.Run(["--out", folder, "--patients", "1", "--slices", slices.ToString(CultureInfo.InvariantCulture), "--size", "64", "--seed", "3"]));
        var files = Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories)
            .ToDictionary(f => DicomFile.Open(f).Dataset.GetString(DicomTag.SOPInstanceUID)!, StringComparer.Ordinal);
        return (DicomFile.Open(files.Values.First()).Dataset.GetString(DicomTag.StudyInstanceUID)!, files);
    }

    /// <summary>C-STOREs the files into the archive's ingest as <paramref name="callingAETitle"/>.</summary>
    public static async Task StoreAsync(LocalArchive archive, IEnumerable<string> files, string callingAETitle)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var client = new DicomClient("127.0.0.1", archive.Port, new DicomClientOptions { CalledAETitle = LocalArchive.AETitle, CallingAETitle = callingAETitle });
        var results = await client.StoreAsync(files, cancellationToken: timeout.Token);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
    }

    /// <summary>Puts a node we send to into the registry.</summary>
    public static async Task PutNodeAsync(HttpClient client, string name, string aeTitle, int port, bool storeTo = true)
    {
        using var response = await client.PutAsJsonAsync($"api/dicom-nodes/{name}", new JsonObject
        {
            ["aeTitle"] = aeTitle,
            ["host"] = "127.0.0.1",
            ["port"] = port,
            ["query"] = false,
            ["storeTo"] = storeTo,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asserts that the files storescp wrote into <paramref name="folder"/> are exactly <paramref name="sent"/>, each with the sent dataset byte for byte.</summary>
    public static void AssertReceived(string folder, IReadOnlyDictionary<string, string> sent)
    {
        var received = Directory.GetFiles(folder).ToDictionary(f => DicomFile.Open(f).Dataset.GetString(DicomTag.SOPInstanceUID)!, StringComparer.Ordinal);
        Assert.Equal(sent.Keys.Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        foreach (var (uid, file) in sent)
        {
            Assert.True(Part10.DataSet(file).AsSpan().SequenceEqual(Part10.DataSet(received[uid])), $"{uid}: storescp stored a different dataset");
        }
    }
}
