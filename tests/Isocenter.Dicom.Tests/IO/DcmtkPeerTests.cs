using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using CsCheck;

namespace Isocenter.Dicom.Tests.IO;

/// <summary>
/// What independent implementations make of the files we write: every corpus file, written in every transfer syntax it can
/// be, is read without warnings by DCMTK (dcmdump) and GDCM (gdcmdump), and DCMTK sees in it what it sees in the input.
/// What differs for a reason (the input breaks the standard, or is cut short) is listed below with the reason.
/// </summary>
public class DcmtkPeerTests(DcmtkPeerTests.Outputs outputs) : IClassFixture<DcmtkPeerTests.Outputs>
{
    private static readonly string[] Implicit = [DicomTransferSyntax.ImplicitVRLittleEndian.Name];
    private static readonly string[] ExplicitVR = [.. DicomTransferSyntax.Writable.Where(ts => ts.IsExplicitVR).Select(ts => ts.Name)];

    private const string Group0001 =
        "the input has elements in group 0001, which PS3.5 7.1 forbids; the reader keeps them and so does the writer, and DCMTK flags them in the input too";

    private const string UnknownPrivateSequenceInImplicitVR =
        "Implicit VR cannot say that an element unknown to DCMTK's dictionaries is a sequence: DCMTK reads its undefined length as a sequence (CP-246) and says so";

    /// <summary>Warnings dcmdump gives for our files that come from what the input holds, with the reason.</summary>
    private static readonly ExpectedProblem[] ExpectedWarnings =
    [
        new("test_files/meta_missing_tsyntax.dcm", null, @"Invalid Element \(0001,", Group0001),
        new("test_files/nested_priv_SQ.dcm", null, @"Invalid Element \(0001,", Group0001),
        new("test_files/meta_missing_tsyntax.dcm", Implicit, @"\(0001,0001\) with VR UN and undefined length", UnknownPrivateSequenceInImplicitVR),
        new("test_files/nested_priv_SQ.dcm", Implicit, @"\(0001,0001\) with VR UN and undefined length", UnknownPrivateSequenceInImplicitVR),
        new("test_files/UN_sequence.dcm", Implicit, @"\(4453,100c\) with VR UN and undefined length", UnknownPrivateSequenceInImplicitVR),
    ];

    private const string AgfaPrivateElements =
        "the input has AGFA private elements as UN; the private dictionary (pydicom's) knows the creator and the reader gives them their VR, DCMTK's does not";

    /// <summary>Differences between the dumps of input and our file (one line each, as reported) that have a reason.</summary>
    private static readonly ExpectedProblem[] ExpectedDifferences =
    [
        new("test_files/rtplan_truncated.dcm", null, @"^\(300a,00b0\)\[0\]\.\(300a,0111\)\[0\]\.\(300a,012c\): differs",
            "the input ends inside this DS value: DCMTK (+E) fills it up to its announced 50 bytes with NULs, we keep the 29 bytes present"),
        new("charset_files/chrJapMulti.dcm", ExplicitVR, @"^\(0019,10[0-9a-f]{2}\): VR differs, same bytes: input UN", AgfaPrivateElements),
        new("charset_files/chrJapMultiExplicitIR6.dcm", ExplicitVR, @"^\(0019,10[0-9a-f]{2}\): VR differs, same bytes: input UN", AgfaPrivateElements),
        new("charset_files/chrKoreanMulti.dcm", ExplicitVR, @"^\(0019,10[0-9a-f]{2}\): VR differs, same bytes: input UN", AgfaPrivateElements),
    ];

    /// <summary>dcmdump options for reading an input, beyond the usual ones, with the reason.</summary>
    private static readonly Dictionary<string, (string Option, string Reason)> InputOptions = new()
    {
        ["test_files/SC_rgb_jpeg.dcm"] = ("-vr",
            "its dataset is in Implicit VR though its meta header declares JPEG Baseline (Explicit VR); the reader detects that element by element, DCMTK only with --assume-implicit"),
    };

    public static TheoryData<string, string> Cases => Corpus.FilesBySyntax();

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public async Task Dcmdump_ReadsOurFile_WithoutWarnings(string file, string syntax)
    {
        var run = await outputs.DcmdumpOfOursAsync(file, syntax);
        Assert.True(run.ExitCode == 0, $"{run}:\n{run.Errors}");
        var problems = (run.Errors + run.Output).Split('\n')
            .Where(l => l.StartsWith("W:", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal));
        AssertOnlyExpected(problems.Select(p => (p, p)), ExpectedWarnings, file, syntax, $"{run} reports problems");
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public async Task Gdcmdump_ReadsOurFile_WithoutWarnings(string file, string syntax)
    {
        // With -W and -E gdcmdump reports problems on stderr ("Warning: In <source>, line <n>, ..." or "Error: ..."
        // followed by the message), and exits with 1 when it cannot read the file.
        var run = await outputs.GdcmdumpOfOursAsync(file, syntax);
        Assert.True(run.ExitCode == 0, $"{run}:\n{run.Errors}");
        Assert.True(run.Errors.Trim().Length == 0, $"{run} reports problems:\n{run.Errors}");
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public async Task Dcmdump_OfOurFile_EqualsDcmdumpOfInput(string file, string syntax)
    {
        var input = DcmdumpListing.Parse((await outputs.DcmdumpOfInputAsync(file)).Output);
        var ours = DcmdumpListing.Parse((await outputs.DcmdumpOfOursAsync(file, syntax)).Output);
        Assert.NotEmpty(input);
        // Implicit VR (on either side) leaves the VR of some elements to the reader's dictionary.
        var implicitVR = Implicit.Contains(syntax) || Corpus.Open(file, new DicomReadOptions { StopBeforePixelData = true }).TransferSyntax == DicomTransferSyntax.ImplicitVRLittleEndian;

        var inputByKey = input.ToDictionary(e => e.Path + e.Tag);
        var oursByKey = ours.ToDictionary(e => e.Path + e.Tag);
        var differences = new List<(string Key, string Text)>();
        foreach (var e in input)
        {
            var key = e.Path + e.Tag;
            if (!oursByKey.TryGetValue(key, out var a))
            {
                differences.Add((key, $"{key}: missing from our file (input: {e.VR} {e.Value})"));
            }
            else if (!Same(e, a, implicitVR))
            {
                var what = e.VR != a.VR && SameBytes(e, a) ? "VR differs, same bytes" : "differs";
                differences.Add((key, $"{key}: {what}: input {e.VR} {e.Value} | ours {a.VR} {a.Value}"));
            }
        }
        differences.AddRange(ours.Where(a => !inputByKey.ContainsKey(a.Path + a.Tag)).Select(a => (a.Path + a.Tag, $"{a.Path}{a.Tag}: not in the input (ours: {a.VR} {a.Value})")));
        AssertOnlyExpected(differences, ExpectedDifferences, file, syntax, "dcmdump of our file differs from dcmdump of the input");
    }

    /// <summary>
    /// Random valid datasets (see <see cref="DatasetGenerators"/>), as DCMTK and GDCM read them: without warnings in every
    /// writable syntax, and (DCMTK) with the same values in each as in Explicit VR Little Endian, which checks the byte
    /// swapping of big endian and the inflating of deflate against an independent reader (a mistake made the same way in
    /// writing and reading would pass RandomDatasetTests).
    /// </summary>
    [Fact]
    public async Task Peers_ReadRandomDatasets_TheSameInEverySyntax()
    {
        var dcmdump = ExternalTool.Require("dcmdump", "dcmtk");
        var gdcmdump = ExternalTool.Require("gdcmdump", "libgdcm-tools");
        await DatasetGenerators.Dataset.SampleAsync(async dataset =>
        {
            var folder = Directory.CreateTempSubdirectory("isocenter-random-");
            try
            {
                var dumps = await Task.WhenAll(DicomTransferSyntax.Writable.Select(async (syntax, i) =>
                {
                    var path = Path.Combine(folder.FullName, $"{i}.dcm");
                    new DicomFile(dataset, syntax).Save(path);
                    var gdcm = await ExternalTool.RunAsync(gdcmdump, ["-W", "-E", path]);
                    Assert.True(gdcm.ExitCode == 0 && gdcm.Errors.Trim().Length == 0, $"{syntax.Name}: {gdcm} reports problems:\n{gdcm.Errors}");
                    return (Syntax: syntax, Run: await ExternalTool.RunAsync(dcmdump, ["-Un", "+Qn", path]));
                }));
                var reference = DcmdumpListing.Parse(dumps[1].Run.Output).ToDictionary(e => e.Path + e.Tag);
                foreach (var (syntax, run) in dumps)
                {
                    Assert.True(run.ExitCode == 0, $"{syntax.Name}: {run}:\n{run.Errors}");
                    var warnings = run.Errors.Split('\n').Where(l => l.StartsWith("W:", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal))
                        .Where(l => syntax.IsExplicitVR || !l.Contains("with VR UN and undefined length, reading a sequence", StringComparison.Ordinal)); // UnknownPrivateSequenceInImplicitVR
                    AssertNone(warnings, $"{syntax.Name}: {run} reports problems");
                    var listing = DcmdumpListing.Parse(run.Output);
                    Assert.Equal(reference.Count, listing.Count);
                    AssertNone(listing
                        .Where(e => !(reference.TryGetValue(e.Path + e.Tag, out var r) && (Same(r, e, implicitVR: !syntax.IsExplicitVR) || UntypedPrivate(e, syntax))))
                        .Select(e => $"{e}: in Explicit VR Little Endian {(reference.TryGetValue(e.Path + e.Tag, out var r) ? r.ToString() : "absent")}"),
                        $"{syntax.Name}: DCMTK reads other values than in Explicit VR Little Endian");
                }
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }, iter: 10, threads: 1, print: DatasetGenerators.Describe);
    }

    // A private element that DCMTK, not knowing its made-up creator, cannot type in Implicit VR and prints as UN bytes
    // (Same compares those with the typed value for text and numbers; RandomDatasetTests compares the bytes of all).
    private static bool UntypedPrivate(DumpElement element, DicomTransferSyntax syntax) =>
        !syntax.IsExplicitVR && element.VR == "UN" && DicomTag.Parse(element.Tag).IsPrivate;

    /// <summary>
    /// Equal VR and printed value, or, in Implicit VR, where DCMTK could not know the VR (it takes OW for pixel data and UN
    /// for private elements it does not know), the same bytes.
    /// </summary>
    private static bool Same(DumpElement input, DumpElement ours, bool implicitVR) =>
        (input.VR == ours.VR && input.Value == ours.Value) || ((input.VR == ours.VR || implicitVR) && SameBytes(input, ours));

    /// <summary>
    /// Whether two printed values hold the same bytes: hexadecimal ones (OB as bytes equals OW as words; an odd-length
    /// value equals the same padded with a NUL, PS3.5 7.1.1), or a UN value against the text or numbers the other side
    /// printed. Values dcmdump shortened are compared as far as both go.
    /// </summary>
    private static bool SameBytes(DumpElement a, DumpElement b)
    {
        if (a.VR != "UN" && b.VR == "UN")
        {
            (a, b) = (b, a);
        }
        if (!DcmdumpListing.TryGetBytes(a, out var bytes, out var shortened))
        {
            return false;
        }
        if (b.VR != "UN" && DcmdumpListing.NumbersMatch(b, bytes, shortened))
        {
            return true;
        }
        if (b.VR != "UN" && DcmdumpListing.TryGetText(b, out var text, out var textShortened))
        {
            // Text prints without its trailing padding, UN bytes with it.
            if (shortened || textShortened)
            {
                var common = Math.Min(text.Length, bytes.Length);
                return text.AsSpan(0, common).SequenceEqual(bytes.AsSpan(0, common));
            }
            return text.AsSpan().TrimEnd((byte)' ').SequenceEqual(bytes.AsSpan().TrimEnd((byte)0).TrimEnd((byte)' '));
        }
        if (!DcmdumpListing.TryGetBytes(b, out var other, out var otherShortened))
        {
            return false;
        }
        if (shortened || otherShortened)
        {
            var common = Math.Min(bytes.Length, other.Length);
            return bytes.AsSpan(0, common).SequenceEqual(other.AsSpan(0, common));
        }
        return bytes.AsSpan().SequenceEqual(other)
            || (bytes.Length != other.Length && (bytes.Length > other.Length ? (bytes, other) : (other, bytes)) is var (longer, shorter)
                && (shorter.Length & 1) == 1 && longer.Length == shorter.Length + 1 && longer.AsSpan().StartsWith(shorter) && longer[^1] == 0);
    }

    /// <summary>
    /// Fails for problems (path and tag, text) that no expectation for this file and syntax explains, and for expectations that
    /// explain nothing any more, so that the lists above stay true.
    /// </summary>
    private static void AssertOnlyExpected(IEnumerable<(string Key, string Text)> problems, ExpectedProblem[] expectations, string file, string syntax, string what)
    {
        var list = problems.ToList();
        AssertNone(list.Where(p => !expectations.Any(e => e.Matches(file, syntax, p.Text))).Select(p => p.Text), what);
        AssertNone(expectations.Where(e => e.Matches(file, syntax) && !list.Any(p => e.Matches(file, syntax, p.Text)))
            .Select(e => $"/{e.Pattern}/ ({e.Reason})"), "expected for this file but did not occur: remove from the list");
    }

    private static void AssertNone(IEnumerable<string> problems, string what)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, $"{what}:\n{string.Join('\n', list.Take(20))}");
    }

    /// <summary>A problem expected for a file (in some syntaxes, or all when null), found by a regular expression, with its reason.</summary>
    private sealed record ExpectedProblem(string File, string[]? Syntaxes, [StringSyntax(StringSyntaxAttribute.Regex)] string Pattern, string Reason)
    {
        public bool Matches(string file, string syntax) => File == file && (Syntaxes is null || Syntaxes.Contains(syntax));

        public bool Matches(string file, string syntax, string problem) => Matches(file, syntax) && Regex.IsMatch(problem, Pattern);
    }

    /// <summary>
    /// Our files, written once into a temporary folder, and the tools' output for them, each computed once. Every run is
    /// started up front, a few at a time: the tools spend most of their time starting up and loading dictionaries, so this
    /// shortens the class several-fold even on two cores.
    /// </summary>
    public sealed class Outputs : IAsyncLifetime, IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("isocenter-peer-").FullName;
        private readonly ConcurrentDictionary<string, Lazy<Task<ToolRun>>> _runs = new();
        private readonly ConcurrentDictionary<string, Lazy<string>> _files = new();
        private readonly Lazy<string> _dcmdump = new(() => ExternalTool.Require("dcmdump", "dcmtk"));
        private readonly Lazy<string> _gdcmdump = new(() => ExternalTool.Require("gdcmdump", "libgdcm-tools"));
        private readonly CancellationTokenSource _stop = new();
        private Task _prefetch = Task.CompletedTask;

        internal Task<ToolRun> DcmdumpOfOursAsync(string file, string syntax) =>
            Once($"dcmdump|{file}|{syntax}", () => ExternalTool.RunAsync(_dcmdump.Value, ["-Un", "+Qn", Write(file, syntax)], _stop.Token));

        internal Task<ToolRun> GdcmdumpOfOursAsync(string file, string syntax) =>
            Once($"gdcmdump|{file}|{syntax}", () => ExternalTool.RunAsync(_gdcmdump.Value, ["-W", "-E", Write(file, syntax)], _stop.Token));

        /// <summary>
        /// The input as DCMTK sees it: printing what it can of damaged files (+E), and reading standard attributes encoded
        /// as UN with their dictionary VR (+uc), as our reader does.
        /// </summary>
        internal Task<ToolRun> DcmdumpOfInputAsync(string file) =>
            Once($"dcmdump|{file}", () => ExternalTool.RunAsync(_dcmdump.Value,
                [.. "+E -Un +Qn +uc".Split(' '), .. InputOptions.TryGetValue(file, out var extra) ? [extra.Option] : Array.Empty<string>(), Corpus.PathOf(file)],
                _stop.Token));

        public Task InitializeAsync()
        {
            if (!Corpus.IsPresent)
            {
                return Task.CompletedTask;
            }
            var cases = Corpus.FilesBySyntax().Select(row => ((string)row[0], (string)row[1])).ToList();
            _prefetch = Task.Run(() => Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 * Environment.ProcessorCount, CancellationToken = _stop.Token },
                async (c, _) =>
                {
                    try
                    {
                        await DcmdumpOfInputAsync(c.Item1);
                        await Task.WhenAll(DcmdumpOfOursAsync(c.Item1, c.Item2), GdcmdumpOfOursAsync(c.Item1, c.Item2));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Reported by the test that asks for this run.
                    }
                }));
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _prefetch;
            }
            catch (OperationCanceledException)
            {
            }
            Directory.Delete(_folder, recursive: true);
        }

        public void Dispose() => _stop.Dispose();

        private Task<ToolRun> Once(string key, Func<Task<ToolRun>> run) =>
            _runs.GetOrAdd(key, _ => new Lazy<Task<ToolRun>>(run)).Value;

        private string Write(string file, string syntax) => _files.GetOrAdd($"{file}|{syntax}", _ => new Lazy<string>(() =>
        {
            var path = Path.Combine(_folder, $"{file.Replace('/', '_')}.{syntax.Replace(' ', '_')}.dcm");
            var dicom = Corpus.OpenForSaving(file);
            dicom.Save(path, Corpus.Syntax(syntax, dicom));
            return path;
        })).Value;
    }
}
