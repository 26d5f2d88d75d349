// Generates platform/Isocenter.Dicom/Generated/*.cs from Debian-packaged tables:
//   DCMTK's dicom.dic (standard data dictionary) and private.dic (private tags),
//   pydicom's _uid_dict.py (UID registry) and _private_dict.py (more private tags).
// Usage: dotnet run --project tools/Isocenter.Dicom.Generator -- [OUTPUT_DIR]
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

const string DicomDic = "/usr/share/libdcmtk17/dicom.dic";
const string PrivateDic = "/usr/share/libdcmtk17/private.dic";
const string UidDict = "/usr/lib/python3/dist-packages/pydicom/_uid_dict.py";
const string PydicomPrivateDict = "/usr/lib/python3/dist-packages/pydicom/_private_dict.py";

var output = args.Length > 0 ? args[0] : Path.Combine(FindRepoRoot(), "platform", "Isocenter.Dicom", "Generated");
foreach (var source in new[] { DicomDic, PrivateDic, UidDict, PydicomPrivateDict })
{
    if (!File.Exists(source))
    {
        Console.Error.WriteLine($"error: {source} is missing; install the Debian packages dcmtk and python3-pydicom (./dev.sh deps).");
        return 1;
    }
}
Directory.CreateDirectory(output);

var standard = ReadStandardDictionary(DicomDic);
var privateEntries = ReadPrivateDictionary(PrivateDic);
AddPydicomPrivateEntries(PydicomPrivateDict, privateEntries);
var uids = ReadUids(UidDict);

File.WriteAllText(Path.Combine(output, "DicomTag.Generated.cs"), TagConstants(standard));
File.WriteAllText(Path.Combine(output, "DicomDictionary.Generated.cs"), DictionaryTable(standard, privateEntries));
File.WriteAllText(Path.Combine(output, "DicomUid.Generated.cs"), UidTable(uids));
Console.WriteLine($"wrote {standard.Count} standard entries, {privateEntries.Count} private entries and {uids.Count} UIDs to {output}");
return 0;

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
    {
        dir = dir.Parent;
    }
    return dir?.FullName ?? throw new InvalidOperationException("run from inside the repository, or pass the output folder");
}

static List<Entry> ReadStandardDictionary(string path)
{
    var entries = new List<Entry>();
    var keywords = new HashSet<string>(StringComparer.Ordinal);
    foreach (var line in File.ReadLines(path))
    {
        if (line.Length == 0 || line[0] == '#')
        {
            continue;
        }
        var f = line.Split('\t');
        if (f.Length < 5 || f[4] is "PRIVATE" or "ILLEGAL" or "GENERIC")
        {
            continue; // group lengths and private creators are handled by rules in DicomDictionary
        }
        var (tag, mask) = ParseTagRange(f[0]);
        var retired = f[4].Contains("retired", StringComparison.Ordinal) || f[2].StartsWith("RETIRED_", StringComparison.Ordinal);
        var keyword = f[2].StartsWith("RETIRED_", StringComparison.Ordinal) ? f[2]["RETIRED_".Length..] : f[2];
        if (!keywords.Add(keyword))
        {
            continue; // a later duplicate (e.g. an ACR-NEMA alias): the first definition wins
        }
        entries.Add(new Entry(tag, mask, MapVR(f[1]), f[3], keyword, retired));
    }
    return entries;
}

static List<PrivateEntry> ReadPrivateDictionary(string path)
{
    var pattern = new Regex("^\\(([0-9A-Fa-f]{4}),\"([^\"]*)\",([0-9A-Fa-f]{2})\\)$");
    var entries = new List<PrivateEntry>();
    var seen = new HashSet<(string, uint)>();
    foreach (var line in File.ReadLines(path))
    {
        if (line.Length == 0 || line[0] == '#')
        {
            continue;
        }
        var f = line.Split('\t');
        if (f.Length < 4)
        {
            continue;
        }
        var m = pattern.Match(f[0]);
        if (!m.Success)
        {
            continue; // ranged private groups are rare; they fall back to UN
        }
        var group = ushort.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var element = byte.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var creator = m.Groups[2].Value;
        if (seen.Add((creator, ((uint)group << 8) | element)))
        {
            entries.Add(new PrivateEntry(creator, group, element, MapVR(f[1]), f[3], f[2]));
        }
    }
    return entries;
}

// pydicom's private dictionary knows creators DCMTK's lacks (AGFA, many GE/Philips/Siemens blocks); DCMTK's entries win.
static void AddPydicomPrivateEntries(string path, List<PrivateEntry> entries)
{
    var creatorLine = new Regex("^\\s+'((?:[^'\\\\]|\\\\.)*)': \\{");
    var entryLine = new Regex("^\\s+'([0-9A-Fa-f]{4})xx([0-9A-Fa-f]{2})': \\('([^']*)', '([^']*)', '((?:[^'\\\\]|\\\\.)*)', '([^']*)'\\)");
    var seen = entries.Select(e => (e.Creator, ((uint)e.Group << 8) | e.Element)).ToHashSet();
    string? creator = null;
    foreach (var line in File.ReadLines(path))
    {
        var c = creatorLine.Match(line);
        if (c.Success)
        {
            creator = c.Groups[1].Value.Replace("\\'", "'", StringComparison.Ordinal);
            continue;
        }
        var m = entryLine.Match(line);
        if (!m.Success || creator is null)
        {
            continue;
        }
        var group = ushort.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var element = byte.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var vr = m.Groups[3].Value.Replace("OB_OW", "OW,OB", StringComparison.Ordinal).Replace(" or ", ",", StringComparison.Ordinal);
        if (seen.Add((creator, ((uint)group << 8) | element)) && vr.Split(',').All(v => v.Length == 2))
        {
            entries.Add(new PrivateEntry(creator, group, element, vr, m.Groups[4].Value, Keyword(m.Groups[5].Value)));
        }
    }

    static string Keyword(string name) => new([.. name.Where(char.IsAsciiLetterOrDigit)]);
}

static List<Uid> ReadUids(string path)
{
    var pattern = new Regex("^\\s*'([0-9.]+)': \\('((?:[^'\\\\]|\\\\.)*)', '([^']*)', '((?:[^'\\\\]|\\\\.)*)', '([^']*)', '([^']*)'\\)");
    var list = new List<Uid>();
    foreach (var line in File.ReadLines(path))
    {
        var m = pattern.Match(line);
        if (m.Success)
        {
            list.Add(new Uid(m.Groups[1].Value, m.Groups[2].Value.Replace("\\'", "'", StringComparison.Ordinal), m.Groups[3].Value, m.Groups[5].Value == "Retired", m.Groups[6].Value));
        }
    }
    return list;
}

// (gggg,eeee), (gggg-gggg,eeee), (gggg-o-gggg,eeee), (gggg,eeee-eeee): ranges become a mask of the digits that vary.
static (uint Tag, uint Mask) ParseTagRange(string text)
{
    var parts = text.Trim('(', ')').Split(',');
    var (g, gm) = ParseRange(parts[0]);
    var (e, em) = ParseRange(parts[1]);
    return (((uint)g << 16) | e, ((uint)gm << 16) | em);

    static (ushort Value, ushort Mask) ParseRange(string s)
    {
        var bounds = s.Split('-');
        var lo = ushort.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (bounds.Length == 1)
        {
            return (lo, 0xFFFF);
        }
        var hi = ushort.Parse(bounds[^1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var varying = (ushort)(lo ^ hi);
        var mask = (ushort)0xFFFF;
        while (varying != 0)
        {
            mask <<= 1;
            varying >>= 1;
        }
        return ((ushort)(lo & mask), mask);
    }
}

// DCMTK's pseudo VRs name the alternatives of PS3.6 ("US or SS", "OB or OW"...); the first one is the implicit VR default.
static string MapVR(string vr) => vr switch
{
    "xs" => "US,SS",
    "ox" or "px" => "OW,OB",
    "lt" => "OW,US,SS",
    "up" => "UL",
    "na" => "",
    _ => vr,
};

static string TagConstants(List<Entry> entries)
{
    var sb = new StringBuilder(Header()).Append("namespace Isocenter.Dicom;\n\n").Append("public readonly partial struct DicomTag\n{\n");
    foreach (var e in entries)
    {
        if (e.Mask != 0xFFFFFFFF || e.Keyword.Length == 0)
        {
            continue; // repeating groups have no single tag; use the group-specific constructor
        }
        sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>({e.Tag >> 16:X4},{e.Tag & 0xFFFF:X4}) {e.Keyword}, VR {(e.VR.Length == 0 ? "none" : e.VR.Replace(",", " or ", StringComparison.Ordinal))}, VM {e.VM}{(e.Retired ? ", retired" : "")}.</summary>\n");
        sb.Append(CultureInfo.InvariantCulture, $"    public static DicomTag {e.Keyword} => new(0x{e.Tag:X8}u);\n");
    }
    return sb.Append("}\n").ToString();
}

// The tables are compact text parsed once on first use: a method with thousands of constructor calls would cost more to JIT.
static string DictionaryTable(List<Entry> entries, List<PrivateEntry> privateEntries)
{
    var sb = new StringBuilder(Header()).Append("namespace Isocenter.Dicom;\n\n").Append("public static partial class DicomDictionary\n{\n");
    sb.Append("    // tag|mask|VRs|VM|keyword|retired\n    private const string StandardTable =\n");
    foreach (var e in entries)
    {
        sb.Append(CultureInfo.InvariantCulture, $"        \"{e.Tag:X8}|{e.Mask:X8}|{e.VR}|{e.VM}|{e.Keyword}|{(e.Retired ? 1 : 0)}\\n\" +\n");
    }
    sb.Append("        \"\";\n\n    // creator|group|element (low byte)|VRs|VM|keyword\n    private const string PrivateTable =\n");
    foreach (var e in privateEntries)
    {
        sb.Append(CultureInfo.InvariantCulture, $"        \"{Escape(e.Creator)}|{e.Group:X4}|{e.Element:X2}|{e.VR}|{e.VM}|{e.Keyword}\\n\" +\n");
    }
    return sb.Append("        \"\";\n}\n").ToString();
}

static string UidTable(List<Uid> uids)
{
    var sb = new StringBuilder(Header()).Append("namespace Isocenter.Dicom;\n\n").Append("public static partial class DicomUid\n{\n");
    var names = new HashSet<string>(StringComparer.Ordinal);
    foreach (var u in uids)
    {
        if (u.Keyword.Length > 0 && names.Add(u.Keyword))
        {
            sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>{System.Security.SecurityElement.Escape(u.Name)} ({u.Type}{(u.Retired ? ", retired" : "")}).</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public const string {u.Keyword} = \"{u.Value}\";\n");
        }
    }
    sb.Append("\n    // uid|keyword|type|retired|name\n    private const string RegistryTable =\n");
    foreach (var u in uids)
    {
        sb.Append(CultureInfo.InvariantCulture, $"        \"{u.Value}|{u.Keyword}|{u.Type}|{(u.Retired ? 1 : 0)}|{Escape(u.Name)}\\n\" +\n");
    }
    return sb.Append("        \"\";\n}\n").ToString();
}

static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

static string Header() => "// <auto-generated>\n// Generated by tools/Isocenter.Dicom.Generator from DCMTK's dicom.dic/private.dic and pydicom's _uid_dict.py.\n// Do not edit: run `./dev.sh generate` instead.\n// </auto-generated>\n#pragma warning disable CS1591\n\n";

internal sealed record Entry(uint Tag, uint Mask, string VR, string VM, string Keyword, bool Retired);

internal sealed record PrivateEntry(string Creator, ushort Group, byte Element, string VR, string VM, string Keyword);

internal sealed record Uid(string Value, string Name, string Type, bool Retired, string Keyword);
