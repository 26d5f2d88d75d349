using System.Globalization;
using Isocenter.Cli.Demo;
using Isocenter.Dicom;

namespace Isocenter.Archive.Tests;

/// <summary>
/// The archive end to end with DCMTK as the modality and the PACS (issue "The archive", first acceptance point): 3 patients
/// × 2 studies × 3 series of 33 slices (594 instances) in six transfer syntaxes, sent by six storescu processes at once, then
/// found with findscu at every level, moved with movescu and fetched with getscu.
/// </summary>
public sealed class EndToEndTests(EndToEndTests.SentArchive archive) : IClassFixture<EndToEndTests.SentArchive>
{
    private static readonly TimeSpan IndexBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Storescu_SixSyntaxesOnSixAssociations_EveryInstanceIndexedAndStoredByteIdentical()
    {
        Assert.All(archive.Sends, run => Assert.True(run.ExitCode == 0, run.ToString()));
        var indexed = await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        Assert.Equal(archive.Sent.Count, indexed.Count);
        Assert.Equal(archive.Sent.Keys.Order(StringComparer.Ordinal), indexed.Order(StringComparer.Ordinal));

        foreach (var sent in archive.Sent.Values)
        {
            var stored = Path.Combine(archive.Objects, "instances", sent.StudyUid, sent.SeriesUid, sent.SopUid + ".dcm");
            Assert.True(File.Exists(stored), $"{sent.Path} is not in the object store at {stored}");
            Assert.True(Part10.DataSet(stored).SequenceEqual(Part10.DataSet(sent.Path)), $"{stored}: the dataset differs from {sent.Path}");
        }
    }

    [Fact]
    public async Task Findscu_PatientRootWildcardOnName_FindsThePatientsWithTheirStudyCounts()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        var first = archive.Sent.Values.First();
        var prefix = first.PatientName[..2];
        var expected = archive.Sent.Values.Where(i => i.PatientName.StartsWith(prefix, StringComparison.Ordinal)).Select(i => i.PatientId).ToHashSet();

        var matches = await archive.FindAsync(["-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", $"PatientName={prefix}*", "-k", "PatientID", "-k", "NumberOfPatientRelatedStudies"]);

        Assert.Equal(expected.Order(StringComparer.Ordinal), matches.Select(m => m.GetString(DicomTag.PatientID)!).Order(StringComparer.Ordinal));
        Assert.All(matches, m => Assert.Equal("2", m.GetString(DicomTag.NumberOfPatientRelatedStudies)));
    }

    [Fact]
    public async Task Findscu_StudyRootDateRange_FindsExactlyTheStudiesInIt()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        var dates = archive.Sent.Values.Select(i => i.StudyDate).Distinct().Order(StringComparer.Ordinal).ToList();
        var (from, to) = (dates[1], dates[^2]); // a range that leaves out the earliest and the latest study
        var expected = archive.Sent.Values.Where(i => string.CompareOrdinal(i.StudyDate, from) >= 0 && string.CompareOrdinal(i.StudyDate, to) <= 0)
            .Select(i => i.StudyUid).ToHashSet();

        var matches = await archive.FindAsync(["-S", "-k", "QueryRetrieveLevel=STUDY", "-k", $"StudyDate={from}-{to}", "-k", "StudyInstanceUID",
            "-k", "NumberOfStudyRelatedInstances", "-k", "ModalitiesInStudy"]);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(StringComparer.Ordinal), matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)!).Order(StringComparer.Ordinal));
        Assert.All(matches, m => Assert.Equal("99", m.GetString(DicomTag.NumberOfStudyRelatedInstances)));
        Assert.All(matches, m => Assert.Equal("CT", m.GetString(DicomTag.ModalitiesInStudy)));
    }

    [Fact]
    public async Task Findscu_SeriesLevelUidList_FindsExactlyTheListedSeries()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        var study = archive.Sent.Values.GroupBy(i => i.StudyUid).First();
        var listed = study.Select(i => i.SeriesUid).Distinct().Take(2).ToList();

        var matches = await archive.FindAsync(["-S", "-k", "QueryRetrieveLevel=SERIES", "-k", $"StudyInstanceUID={study.Key}",
            "-k", $"SeriesInstanceUID={string.Join('\\', listed)}", "-k", "NumberOfSeriesRelatedInstances", "-k", "Modality"]);

        Assert.Equal(listed.Order(StringComparer.Ordinal), matches.Select(m => m.GetString(DicomTag.SeriesInstanceUID)!).Order(StringComparer.Ordinal));
        Assert.All(matches, m => Assert.Equal("33", m.GetString(DicomTag.NumberOfSeriesRelatedInstances)));
    }

    [Fact]
    public async Task Findscu_ImageLevel_FindsEveryInstanceOfTheSeries()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        var series = archive.Sent.Values.GroupBy(i => (i.StudyUid, i.SeriesUid)).Last();

        var matches = await archive.FindAsync(["-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", $"StudyInstanceUID={series.Key.StudyUid}",
            "-k", $"SeriesInstanceUID={series.Key.SeriesUid}", "-k", "SOPInstanceUID", "-k", "InstanceNumber"]);

        Assert.Equal(series.Select(i => i.SopUid).Order(StringComparer.Ordinal), matches.Select(m => m.GetString(DicomTag.SOPInstanceUID)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Movescu_Series_EveryInstanceArrivesAtTheDestinationByteIdentical()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        var series = archive.Sent.Values.Where(i => i.Syntax == "explicit").GroupBy(i => (i.StudyUid, i.SeriesUid)).ElementAt(0).ToList();
        var output = Directory.CreateTempSubdirectory("isocenter-archive-move-").FullName;

        var run = await Dcmtk.RunAsync("movescu", ["-S", "-aet", SentArchive.MoveDestination, "-aec", LocalArchive.AETitle, "-aem", SentArchive.MoveDestination,
            "+P", archive.MovePort.ToString(CultureInfo.InvariantCulture), "-od", output, "-k", "QueryRetrieveLevel=SERIES",
            "-k", $"StudyInstanceUID={series[0].StudyUid}", "-k", $"SeriesInstanceUID={series[0].SeriesUid}", "127.0.0.1", archive.Running.Port.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        AssertReceived(series, output);
    }

    [Fact]
    public async Task Getscu_Series_EveryInstanceArrivesByteIdentical()
    {
        await archive.Running.WaitIndexedAsync(archive.Sent.Keys, IndexBound);
        // getscu proposes Explicit VR Little Endian first for what it receives: a series stored so comes back as it was sent.
        var series = archive.Sent.Values.Where(i => i.Syntax == "explicit").GroupBy(i => (i.StudyUid, i.SeriesUid)).ElementAt(1).ToList();
        var output = Directory.CreateTempSubdirectory("isocenter-archive-get-").FullName;

        var run = await Dcmtk.RunAsync("getscu", ["-S", "-aec", LocalArchive.AETitle, "-od", output, "-k", "QueryRetrieveLevel=SERIES",
            "-k", $"StudyInstanceUID={series[0].StudyUid}", "-k", $"SeriesInstanceUID={series[0].SeriesUid}", "127.0.0.1", archive.Running.Port.ToString(CultureInfo.InvariantCulture)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        AssertReceived(series, output);
    }

    private static void AssertReceived(List<SentInstance> series, string output)
    {
        var received = Directory.GetFiles(output).ToDictionary(f => DicomFile.Open(f, new DicomReadOptions { StopBeforePixelData = true }).Dataset.GetString(DicomTag.SOPInstanceUID)!, StringComparer.Ordinal);
        Assert.Equal(series.Count, received.Count);
        foreach (var sent in series)
        {
            Assert.True(received.TryGetValue(sent.SopUid, out var file), $"{sent.SopUid} did not arrive");
            Assert.True(Part10.DataSet(file).SequenceEqual(Part10.DataSet(sent.Path)), $"{file}: the dataset differs from {sent.Path}");
        }
    }

    /// <summary>One instance sent, and what the assertions need of it.</summary>
    public sealed record SentInstance(string Path, string Syntax, string PatientId, string PatientName, string StudyUid, string StudyDate, string SeriesUid, string SopUid);

    /// <summary>The archive started once for the class, with the demo set converted and sent.</summary>
    public sealed class SentArchive : IAsyncLifetime
    {
        public const string MoveDestination = "MOVESCU";

        // (patient, study) → the syntax its files are converted to, the converter, and storescu's proposal for it.
        private static readonly (string Folder, string Syntax, string? Tool, string[] ToolOptions, string Proposal)[] Groups =
        [
            ("ISO00001/STUDY1", "explicit", null, [], "-xe"),
            ("ISO00001/STUDY2", "implicit", "dcmconv", ["+ti"], "-xi"),
            ("ISO00002/STUDY1", "rle", "dcmcrle", [], "-xr"),
            ("ISO00002/STUDY2", "jpeg-ls", "dcmcjpls", [], "-xt"),
            ("ISO00003/STUDY1", "jpeg-lossless", "dcmcjpeg", ["+e1"], "-xs"),
            ("ISO00003/STUDY2", "deflated", "dcmconv", ["+td"], "-xd"),
        ];

        private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-archive-e2e-").FullName;

        public LocalArchive Running { get; private set; } = null!;

        public string Objects => Path.Combine(_folder, "objects");

        public int MovePort { get; } = Dcmtk.FreePort();

        public Dictionary<string, SentInstance> Sent { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<ToolRun> Sends { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var demo = Path.Combine(_folder, "demo");
            Assert.Equal(0, DemoCommand.Run(["--out", demo, "--patients", "3", "--studies", "2", "--series", "3", "--slices", "33", "--size", "64", "--seed", "5"]));
            var groups = await Task.WhenAll(Groups.Select(async group =>
            {
                var files = new List<string>();
                foreach (var source in Directory.GetFiles(Path.Combine(demo, group.Folder), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var target = Path.Combine(_folder, "sent", group.Syntax, Path.GetRelativePath(demo, source));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    if (group.Tool is null)
                    {
                        File.Copy(source, target);
                    }
                    else
                    {
                        var converted = await Dcmtk.RunAsync(group.Tool, [.. group.ToolOptions, source, target]);
                        Assert.True(converted.ExitCode == 0, converted.ToString());
                    }
                    files.Add(target);
                }
                return (group.Syntax, group.Proposal, Files: files);
            }));
            foreach (var (syntax, _, files) in groups)
            {
                foreach (var file in files)
                {
                    var ds = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
                    var sop = ds.GetString(DicomTag.SOPInstanceUID)!;
                    Sent[sop] = new SentInstance(file, syntax, ds.GetString(DicomTag.PatientID)!, ds.GetString(DicomTag.PatientName)!,
                        ds.GetString(DicomTag.StudyInstanceUID)!, ds.GetString(DicomTag.StudyDate)!, ds.GetString(DicomTag.SeriesInstanceUID)!, sop);
                }
            }
            Running = await LocalArchive.StartAsync(new Dictionary<string, string> { ["ObjectStore:Root"] = Objects },
                new Dictionary<string, string> { [$"Dicom:MoveDestinations:{MoveDestination}"] = $"127.0.0.1:{MovePort}" });
            // Six associations at once, each proposing exactly its files' transfer syntax (-R).
            Sends = await Task.WhenAll(groups.Select(g => Running.StorescuAsync(["-R", g.Proposal], g.Files)));
        }

        /// <summary>findscu with the options and keys given; returns the responses' identifiers.</summary>
        public async Task<List<DicomDataset>> FindAsync(IEnumerable<string> options)
        {
            var output = Directory.CreateTempSubdirectory("isocenter-archive-find-").FullName;
            var run = await Dcmtk.RunAsync("findscu", [.. options, "-aec", LocalArchive.AETitle, "-X", "-od", output, "127.0.0.1", Running.Port.ToString(CultureInfo.InvariantCulture)]);
            Assert.True(run.ExitCode == 0, run.ToString());
            var matches = Directory.GetFiles(output, "rsp*.dcm").Order(StringComparer.Ordinal).Select(f => DicomFile.Open(f).Dataset).ToList();
            Directory.Delete(output, recursive: true);
            return matches;
        }

        public async Task DisposeAsync()
        {
            if (Running is not null)
            {
                await Running.DisposeAsync();
            }
            Directory.Delete(_folder, recursive: true);
        }
    }
}
