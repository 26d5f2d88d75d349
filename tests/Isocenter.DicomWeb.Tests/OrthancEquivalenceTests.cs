using System.Globalization;
using System.Net;
using System.Text.Json;
using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Tests;

/// <summary>Orthanc with its DICOMweb plugin (Debian package orthanc-dicomweb), holding the demo files once they are stored.</summary>
public sealed class OrthancDicomWeb : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private Task? _stored;

    public OrthancServer Server { get; private set; } = null!;

    /// <summary>A client of the plugin's root (<c>…/dicom-web/</c>).</summary>
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await OrthancServer.StartAsync(dicomWeb: true);
        Client = new HttpClient { BaseAddress = Server.DicomWebRoot };
    }

    /// <summary>Stores <paramref name="archive"/>'s demo files into Orthanc through C-STORE, the first time only.</summary>
    public Task StoreOnceAsync(DicomWebArchive archive)
    {
        lock (_gate)
        {
            return _stored ??= StoreAsync(archive);
        }
    }

    private async Task StoreAsync(DicomWebArchive archive)
    {
        var stored = await Server.Client().StoreAsync(archive.Instances.Values.Select(i => i.Path).Order(StringComparer.Ordinal));
        Assert.All(stored, s => Assert.Equal((ushort)0, s.Status));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>
/// The same QIDO-RS and WADO-RS requests against Orthanc's DICOMweb plugin and the archive, on the same demo files, give
/// equivalent answers (issue 6). Both sides are restricted to the demo's UIDs: other test classes add studies of other
/// patients to the archive only. Deliberate differences are listed here and in docs/dicomweb.md ("Compared with Orthanc's
/// DICOMweb plugin"); a difference not listed fails.
/// </summary>
[Collection(DicomWebCollection.Name)]
public sealed class OrthancEquivalenceTests(DicomWebArchive archive, OrthancDicomWeb orthanc) : IAsyncLifetime, IClassFixture<OrthancDicomWeb>
{
    private const string RetrieveUrl = "00081190";

    // Attributes whose values differ deliberately in search results, with the reason (docs/dicomweb.md).
    private static readonly Dictionary<string, string> IgnoredSearchValues = new(StringComparer.Ordinal)
    {
        // PS3.18 F.2: DICOM JSON is UTF-8 whatever the source's character set. The archive's match carries (0008,0005)
        // empty when every value is ASCII (ISO_IR 192 otherwise); for the demo files, which have no (0008,0005), Orthanc
        // states ISO_IR 100, its DefaultEncoding (Latin1 unless configured).
        ["00080005"] = "Specific Character Set",
    };

    // Study Date, Study Time, Accession Number, Referring Physician's Name, Patient's Name, Patient's Birth Date, Patient's
    // Sex, Study ID: the study attributes Orthanc adds to the matches of a study's series and instances.
    private static readonly string[] StudyAttributes = ["00080020", "00080030", "00080050", "00080090", "00100010", "00100030", "00100040", "00200010"];

    // Attributes one side returns by default and the other does not, by resource, as "side tag" (side: the one that returns
    // it). PS3.18 10.6.3.3.1 requires the attributes of Tables 10.6.3-3 (study), -4 (series) and -5 (instance) and lets a
    // service return more. The archive returns every one of them, empty when the data has none; Orthanc leaves out
    // Instance Availability (0008,0056), Timezone Offset From UTC (0008,0201), Performed Procedure Step Start Date/Time
    // (0040,0244/0245), Request Attributes Sequence (0040,0275) and Number of Frames (0028,0008), and for all series
    // Modalities in Study (0008,0061) and the study's counts (0020,1206/1208), which Table 10.6.3-3 lists for the study
    // attributes of a search for all series (10.6.3.3.1: the attributes of the levels above the target's). Orthanc adds the
    // study's (and series') main attributes to the matches of a study's series and instances, which the standard does not
    // require there (the study is in the URL).
    private static readonly Dictionary<string, string[]> ExpectedPresenceDifferences = new(StringComparer.Ordinal)
    {
        ["studies"] = ["isocenter 00080056", "isocenter 00080201"],
        ["studies/{study}/series"] =
        [
            "isocenter 00080201", "isocenter 00400244", "isocenter 00400245", "isocenter 00400275",
            .. StudyAttributes.Select(t => $"orthanc {t}"),
        ],
        ["series"] =
        [
            "isocenter 00080061", "isocenter 00080201", "isocenter 00201206", "isocenter 00201208", "isocenter 00400244",
            "isocenter 00400245", "isocenter 00400275",
        ],
        ["studies/{study}/series/{series}/instances"] =
        [
            "isocenter 00080056", "isocenter 00080201", "isocenter 00280008",
            "orthanc 00080060", "orthanc 0008103E", "orthanc 00200011", .. StudyAttributes.Select(t => $"orthanc {t}"),
        ],
        ["studies/{study}/instances"] =
        [
            "isocenter 00080056", "isocenter 00080201", "isocenter 00201209", "isocenter 00280008", "isocenter 00400244",
            "isocenter 00400245", "isocenter 00400275", .. StudyAttributes.Select(t => $"orthanc {t}"),
        ],
    };

    private List<DicomDataset> Demo => [.. archive.Instances.Values.Select(i => i.Dataset)];

    public Task InitializeAsync() => orthanc.StoreOnceAsync(archive);

    public Task DisposeAsync() => Task.CompletedTask;

    // PS3.18 10.6 (Search Transaction): matching (8.3.4), default attributes (10.6.3.3.1), includefield (8.3.4.3).
    [Theory]
    [InlineData("studies?PatientID={patient}")]
    [InlineData("studies?PatientName={namePrefix}*")]
    [InlineData("studies?StudyDate={date}")]
    [InlineData("studies?StudyDate={dateFrom}-{dateTo}")]
    [InlineData("studies?StudyInstanceUID={study},{otherStudy}")]
    [InlineData("studies?ModalitiesInStudy=CT")]
    [InlineData("studies/{study}/series")]
    [InlineData("series?Modality=CT")]
    [InlineData("studies/{study}/series/{series}/instances")]
    [InlineData("studies/{study}/instances")]
    [InlineData("studies?PatientID={patient}&includefield=StudyDescription")]
    public async Task Search_SameRequest_SameMatchesAndValues(string template)
    {
        var uri = Fill(template);
        var resource = template.Split('?')[0];
        var level = resource.Split('/')[^1];
        var key = level switch { "studies" => "0020000D", "series" => "0020000E", _ => "00080018" };
        var demoUids = Demo.Select(d => d.GetString(DicomTag.Parse(key))!).ToHashSet(StringComparer.Ordinal);

        var ours = await SearchAsync(archive.Client, uri, key, demoUids);
        var theirs = await SearchAsync(orthanc.Client, uri, key, demoUids);

        Assert.NotEmpty(ours);
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        var presence = new SortedSet<string>(StringComparer.Ordinal);
        var values = new List<string>();
        foreach (var (uid, match) in ours)
        {
            Compare(match, theirs[uid], archive.Client.BaseAddress!, orthanc.Client.BaseAddress!, $"{level} ", presence, values);
        }
        values.RemoveAll(v => IgnoredSearchValues.ContainsKey(v.Split(' ')[1].TrimEnd(':')));
        Assert.True(values.Count == 0, $"{uri}: values differ:\n{string.Join('\n', values)}");
        Assert.True(ExpectedPresenceDifferences[resource].Select(d => $"{level} {d}").Order(StringComparer.Ordinal).SequenceEqual(presence),
            $"{uri}: attributes on one side only:\n{string.Join('\n', presence)}");
    }

    // PS3.18 10.4.1.1.2 (Retrieve Study Metadata): the same instances, every attribute both return equal, bulk data aside.
    [Fact]
    public async Task RetrieveStudyMetadata_SameStudy_SameInstancesAndValues()
    {
        var study = Demo.Select(d => d.GetString(DicomTag.StudyInstanceUID)!).Order(StringComparer.Ordinal).First();
        var sops = Demo.Select(d => d.GetString(DicomTag.SOPInstanceUID)!).ToHashSet(StringComparer.Ordinal);

        var ours = await SearchAsync(archive.Client, $"studies/{study}/metadata", "00080018", sops);
        var theirs = await SearchAsync(orthanc.Client, $"studies/{study}/metadata", "00080018", sops);

        Assert.Equal(Demo.Count(d => d.GetString(DicomTag.StudyInstanceUID) == study), ours.Count);
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        var presence = new SortedSet<string>(StringComparer.Ordinal);
        var values = new List<string>();
        foreach (var (uid, instance) in ours)
        {
            Compare(instance, theirs[uid], archive.Client.BaseAddress!, orthanc.Client.BaseAddress!, "metadata ", presence, values);
        }
        Assert.True(values.Count == 0, $"values differ:\n{string.Join('\n', values)}");
        Assert.True(presence.Count == 0, $"attributes on one side only:\n{string.Join('\n', presence)}");
    }

    // PS3.18 10.4.1.1.1 (Retrieve Instance), 8.7.3.5.2: the same dataset bytes.
    [Fact]
    public async Task RetrieveInstance_AcceptDicom_SameDatasetBytes()
    {
        var uri = Fill("studies/{study}/series/{series}/instances/{sop}");

        var ours = await RetrieveSinglePartAsync(archive.Client, uri, "multipart/related; type=\"application/dicom\"");
        var theirs = await RetrieveSinglePartAsync(orthanc.Client, uri, "multipart/related; type=\"application/dicom\"");

        Assert.Equal(DataSet(theirs), DataSet(ours));
    }

    // PS3.18 10.4.1.1.3 (Retrieve Frames), 8.7.3.5.4: the same frame bytes.
    [Fact]
    public async Task RetrieveFrames_AcceptOctetStream_SameFrameBytes()
    {
        var uri = Fill("studies/{study}/series/{series}/instances/{sop}/frames/1");

        var ours = await RetrieveSinglePartAsync(archive.Client, uri, "multipart/related; type=\"application/octet-stream\"");
        var theirs = await RetrieveSinglePartAsync(orthanc.Client, uri, "multipart/related; type=\"application/octet-stream\"");

        Assert.Equal(64 * 64 * 2, ours.Length);
        Assert.Equal(theirs, ours);
    }

    private string Fill(string template)
    {
        var first = Demo.OrderBy(d => d.GetString(DicomTag.SOPInstanceUID), StringComparer.Ordinal).First();
        var studies = Demo.Select(d => d.GetString(DicomTag.StudyInstanceUID)!).Distinct().Order(StringComparer.Ordinal).ToList();
        var dates = Demo.Select(d => d.GetString(DicomTag.StudyDate)!).Distinct().Order(StringComparer.Ordinal).ToList();
        var study = first.GetString(DicomTag.StudyInstanceUID)!;
        return template
            .Replace("{patient}", first.GetString(DicomTag.PatientID), StringComparison.Ordinal)
            .Replace("{namePrefix}", Uri.EscapeDataString(first.GetString(DicomTag.PatientName)![..3]), StringComparison.Ordinal)
            .Replace("{dateFrom}", dates[0], StringComparison.Ordinal)
            .Replace("{dateTo}", dates[Math.Min(1, dates.Count - 1)], StringComparison.Ordinal)
            .Replace("{date}", first.GetString(DicomTag.StudyDate), StringComparison.Ordinal)
            .Replace("{otherStudy}", studies.First(s => s != study), StringComparison.Ordinal)
            .Replace("{study}", study, StringComparison.Ordinal)
            .Replace("{series}", first.GetString(DicomTag.SeriesInstanceUID), StringComparison.Ordinal)
            .Replace("{sop}", first.GetString(DicomTag.SOPInstanceUID), StringComparison.Ordinal);
    }

    // The JSON array's objects by their key UID, only those whose key is one of the demo's.
    private static async Task<Dictionary<string, JsonElement>> SearchAsync(HttpClient client, string uri, string key, HashSet<string> demoUids)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Accept", "application/dicom+json");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}{uri}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray()
            .Select(e => e.Clone())
            .Where(e => demoUids.Contains(e.GetProperty(key).GetProperty("Value")[0].GetString()!))
            .ToDictionary(e => e.GetProperty(key).GetProperty("Value")[0].GetString()!, StringComparer.Ordinal);
    }

    // Records in presence the attributes only one side returns, in values those whose values differ; sequences recursively.
    private static void Compare(JsonElement ours, JsonElement theirs, Uri ourRoot, Uri theirRoot, string path,
        SortedSet<string> presence, List<string> values)
    {
        var ourTags = ours.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var theirTags = theirs.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        presence.UnionWith(ourTags.Except(theirTags).Select(t => $"{path}isocenter {t}"));
        presence.UnionWith(theirTags.Except(ourTags).Select(t => $"{path}orthanc {t}"));
        foreach (var tag in ourTags.Intersect(theirTags).Order(StringComparer.Ordinal))
        {
            var (a, b) = (ours.GetProperty(tag), theirs.GetProperty(tag));
            if (a.TryGetProperty("Value", out var items) && items.GetArrayLength() > 0 && items[0].ValueKind == JsonValueKind.Object
                && b.TryGetProperty("Value", out var theirItems) && items.GetArrayLength() == theirItems.GetArrayLength()
                && a.GetProperty("vr").GetString() == "SQ")
            {
                for (var i = 0; i < items.GetArrayLength(); i++)
                {
                    Compare(items[i], theirItems[i], ourRoot, theirRoot, $"{path}{tag}[{i}].", presence, values);
                }
                continue;
            }
            var (x, y) = (Normalize(tag, a, ourRoot), Normalize(tag, b, theirRoot));
            if (x != y)
            {
                values.Add($"{path}{tag}: isocenter {x} orthanc {y}");
            }
        }
    }

    // The VR and the values: person names by Alphabetic, numbers as numbers, bulk data only as present, and the
    // Retrieve URL by its path after the service's root (the two services have different origins by nature).
    private static string Normalize(string tag, JsonElement attribute, Uri root)
    {
        var vr = attribute.TryGetProperty("vr", out var v) ? v.GetString() : "?";
        if (attribute.TryGetProperty("BulkDataURI", out _) || attribute.TryGetProperty("InlineBinary", out _))
        {
            return $"{vr} <bulk data>";
        }
        if (!attribute.TryGetProperty("Value", out var items))
        {
            return $"{vr} []";
        }
        var texts = items.EnumerateArray().Select(item => item.ValueKind switch
        {
            JsonValueKind.Number => double.Parse(item.GetRawText(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.Object when item.TryGetProperty("Alphabetic", out var alphabetic) => alphabetic.GetString(),
            JsonValueKind.Object => item.GetRawText(),
            JsonValueKind.Null => "null",
            _ when tag == RetrieveUrl && item.GetString()!.StartsWith(root.AbsoluteUri, StringComparison.Ordinal) => item.GetString()![root.AbsoluteUri.Length..],
            _ => item.GetString(),
        });
        return $"{vr} [{string.Join(", ", texts)}]";
    }

    private static async Task<byte[]> RetrieveSinglePartAsync(HttpClient client, string uri, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{client.BaseAddress}{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return Assert.Single(await Multipart.ReadAsync(response)).Content;
    }

    private static byte[] DataSet(byte[] part10)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, part10);
            return Part10.DataSet(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
