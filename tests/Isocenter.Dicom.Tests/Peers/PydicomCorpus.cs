using System.Diagnostics;
using System.Text.Json;

namespace Isocenter.Dicom.Tests.Peers;

/// <summary>pydicom's real-world test files, and pydicom's own DICOM JSON for each, computed once per test run.</summary>
public sealed class PydicomCorpus
{
    public const string TestFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
    public const string CharsetFiles = "/usr/lib/python3/dist-packages/pydicom/data/charset_files";

    private static readonly Lazy<Dictionary<string, JsonElement>> Reference = new(RunPydicom);

    /// <summary>Every .dcm file of the corpus, as test data (file name relative to pydicom's data folder).</summary>
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in AllPaths())
        {
            data.Add(Path.GetRelativePath(Path.GetDirectoryName(TestFiles)!, path));
        }
        return data;
    }

    public static string FullPath(string relative) => Path.Combine(Path.GetDirectoryName(TestFiles)!, relative);

    /// <summary>pydicom's result for a file: {"json": …} or {"error": "…"}.</summary>
    public static JsonElement PydicomResult(string relative) => Reference.Value[FullPath(relative)];

    private static IEnumerable<string> AllPaths()
    {
        if (!Directory.Exists(TestFiles))
        {
            throw new InvalidOperationException($"pydicom's test corpus is missing at {TestFiles}: run ./dev.sh test, which installs python3-pydicom.");
        }
        return Directory.EnumerateFiles(TestFiles, "*.dcm").Concat(Directory.EnumerateFiles(CharsetFiles, "*.dcm")).Order(StringComparer.Ordinal);
    }

    private static Dictionary<string, JsonElement> RunPydicom()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "pydicom_json.py");
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var path in AllPaths())
        {
            start.ArgumentList.Add(path);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException("pydicom did not finish converting the corpus in 2 minutes");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pydicom_json.py failed ({process.ExitCode}): {stderr.Result}");
        }
        using var document = JsonDocument.Parse(stdout.Result);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
