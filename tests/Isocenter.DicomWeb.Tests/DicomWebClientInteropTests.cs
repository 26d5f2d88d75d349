using System.Security.Cryptography;
using System.Text.Json;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Tests;

/// <summary>
/// dicomweb-client 0.11.3 (the npm package OHIF uses; tests/interop/dicomweb-client) against the gateway: storeInstances,
/// searchForStudies/Series/Instances, retrieveStudyMetadata, retrieveInstanceFrames and retrieveInstanceRendered on an
/// instance of its own (PS3.18 10.5, 10.6, 10.4).
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class DicomWebClientInteropTests(DicomWebArchive archive)
{
    [Fact]
    public async Task DicomWebClient_StoreSearchMetadataFramesRendered_EachAnswersAsTheStandardSays()
    {
        var folder = Directory.CreateTempSubdirectory("isocenter-interop-").FullName;
        Assert.Equal(0, DemoCommand.Run(["--out", folder, "--slices", "1", "--size", "64", "--seed", "83", "--id-prefix", "INTEROP"]));
        var file = Directory.GetFiles(folder, "*.dcm", SearchOption.AllDirectories).Single();
        var dataset = DicomFile.Open(file).Dataset;
        var (study, series, sop) = (dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!, dataset.GetString(DicomTag.SOPInstanceUID)!);
        var pixels = ((DicomValueElement)dataset[DicomTag.PixelData]!).Buffer.Memory.ToArray();
        var script = Path.Combine(LocalServers.RepositoryRoot, "tests", "interop", "dicomweb-client", "interop.mjs");
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")),
            "dicomweb-client is not installed: run ./dev.sh test (it runs npm ci in tests/interop/dicomweb-client)");

        var run = await Dcmtk.RunAsync("node", script, new Uri(archive.Client.BaseAddress!.ToString().TrimEnd('/')).ToString(), file, study, series, sop,
            "X-Api-Key=" + archive.ApiKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Output);
        var root = result.RootElement;
        var referenced = root.GetProperty("store").GetProperty("00081199").GetProperty("Value");
        Assert.Equal(sop, referenced[0].GetProperty("00081155").GetProperty("Value")[0].GetString());
        Assert.Equal([study], Strings(root.GetProperty("studies")));
        Assert.Equal([series], Strings(root.GetProperty("series")));
        Assert.Equal([sop], Strings(root.GetProperty("instances")));
        Assert.Equal([sop], Strings(root.GetProperty("metadata")));
        var frame = Assert.Single(root.GetProperty("frames").EnumerateArray());
        Assert.Equal(pixels.Length, frame.GetProperty("length").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pixels)), frame.GetProperty("sha256").GetString());
        Assert.True(root.GetProperty("rendered").GetProperty("head").GetString() == "ffd8ff", run.Output); // a JPEG
        Directory.Delete(folder, recursive: true);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString() ?? "")];
}
