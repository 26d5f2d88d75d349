using System.Globalization;
using System.Text.Json;
using Isocenter.Dicom.Json;

namespace Isocenter.Dicom.Tests.Peers;

/// <summary>
/// Acceptance: every file of pydicom's corpus parses (or fails where pydicom fails), and our DICOM JSON (PS3.18 Annex F)
/// equals pydicom's Dataset.to_json_dict() for every element except bulk data.
/// </summary>
public class PydicomJsonTests
{
    /// <summary>Differences we keep on purpose: "file|path" → why pydicom's output is not the standard's.</summary>
    private static readonly Dictionary<string, string> KnownDifferences = new(StringComparer.Ordinal)
    {
        ["rtdose_expb_1frame.dcm|7FE00010"] = "pydicom base64-encodes the big-endian bytes as stored; DICOM JSON bulk data is "
            + "little-endian (PS3.18 8.7.3: uncompressed bulk data defaults to Explicit VR Little Endian).",
    };

    [Theory]
    [MemberData(nameof(PydicomCorpus.Files), MemberType = typeof(PydicomCorpus))]
    public void Json_EqualsPydicom_ExceptBulkData(string file)
    {
        var reference = PydicomCorpus.PydicomResult(file);
        if (reference.TryGetProperty("error", out var pydicomError))
        {
            // pydicom fails on this file: we must either read it or fail with our own typed, descriptive error.
            try
            {
                DicomFile.Open(PydicomCorpus.FullPath(file));
            }
            catch (DicomReadException e)
            {
                Assert.Contains(Path.GetFileName(file), e.Message, StringComparison.Ordinal);
            }
            Assert.False(string.IsNullOrEmpty(pydicomError.GetString()));
            return;
        }
        var ours = JsonDocument.Parse(DicomJson.Serialize(DicomFile.Open(PydicomCorpus.FullPath(file)).Dataset)).RootElement;
        var differences = new List<string>();
        CompareDataset(reference.GetProperty("json"), ours, "", differences);
        var unexpected = differences.Where(d => !KnownDifferences.ContainsKey($"{Path.GetFileName(file)}|{d.Split(':')[0]}")).ToList();
        Assert.True(unexpected.Count == 0, $"{file}: {unexpected.Count} difference(s) from pydicom:\n" + string.Join('\n', unexpected.Take(20)));
    }

    private static void CompareDataset(JsonElement expected, JsonElement actual, string path, List<string> differences)
    {
        var keys = expected.EnumerateObject().Select(p => p.Name).Union(actual.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var where = path + key;
            var hasExpected = expected.TryGetProperty(key, out var e);
            var hasActual = actual.TryGetProperty(key, out var a);
            if (hasExpected && e.TryGetProperty("BulkDataURI", out _))
            {
                continue; // bulk data: excluded by the acceptance criterion
            }
            if (!hasExpected || !hasActual)
            {
                // Group lengths (gggg,0000) are dropped by design (PS3.5 7.2: optional, stale after edits).
                if (!(key.EndsWith("0000", StringComparison.Ordinal) && hasExpected))
                {
                    differences.Add($"{where}: {(hasExpected ? "missing in ours" : "not in pydicom's")}");
                }
                continue;
            }
            var vr = e.GetProperty("vr").GetString();
            if (vr != a.GetProperty("vr").GetString())
            {
                differences.Add($"{where}: vr {vr} in pydicom's, {a.GetProperty("vr").GetString()} in ours");
                continue;
            }
            CompareAttribute(vr!, e, a, where, differences);
        }
    }

    private static void CompareAttribute(string vr, JsonElement expected, JsonElement actual, string where, List<string> differences)
    {
        if (expected.TryGetProperty("InlineBinary", out var eb))
        {
            var ab = actual.TryGetProperty("InlineBinary", out var x) ? x.GetString() : null;
            if (ab is null || !Convert.FromBase64String(eb.GetString()!).AsSpan().SequenceEqual(Convert.FromBase64String(ab)))
            {
                differences.Add($"{where}: InlineBinary differs");
            }
            return;
        }
        var ev = Values(expected);
        var av = Values(actual);
        if (ev.Count != av.Count)
        {
            differences.Add($"{where}: {ev.Count} value(s) in pydicom's, {av.Count} in ours");
            return;
        }
        for (var i = 0; i < ev.Count; i++)
        {
            if (vr == "SQ")
            {
                CompareDataset(ev[i], av[i], $"{where}[{i}].", differences);
            }
            else if (!SameValue(vr, ev[i], av[i]))
            {
                differences.Add($"{where}: value {i + 1} is {ev[i].GetRawText()} in pydicom's, {av[i].GetRawText()} in ours");
            }
        }
    }

    private static List<JsonElement> Values(JsonElement attribute) =>
        attribute.TryGetProperty("Value", out var v) ? [.. v.EnumerateArray()] : [];

    private static bool SameValue(string vr, JsonElement expected, JsonElement actual)
    {
        if (vr == "PN")
        {
            return PersonName(expected) == PersonName(actual);
        }
        if (expected.ValueKind == JsonValueKind.Number || actual.ValueKind == JsonValueKind.Number)
        {
            if (!TryNumber(expected, out var e) || !TryNumber(actual, out var a))
            {
                return Text(expected) == Text(actual);
            }
            // FL values: pydicom prints the float32 widened to double, we print the shortest float32 form.
            return vr is "FL" or "OF" ? (float)e == (float)a : e == a || Math.Abs(e - a) <= 1e-12 * Math.Abs(e);
        }
        return Text(expected) == Text(actual);
    }

    private static bool TryNumber(JsonElement value, out double number)
    {
        number = 0;
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetDouble(out number),
            JsonValueKind.String => double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number),
            _ => false,
        };
    }

    // Spaces around text values are padding for most VRs (PS3.5 6.2); pydicom keeps some of them.
    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "",
        JsonValueKind.String => value.GetString()!.Trim(' '),
        _ => value.GetRawText(),
    };

    private static string PersonName(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return Text(value);
        }
        string Group(string name) => value.TryGetProperty(name, out var g) ? g.GetString()!.TrimEnd(' ', '^') : "";
        return $"{Group("Alphabetic")}={Group("Ideographic")}={Group("Phonetic")}".TrimEnd('=');
    }
}
