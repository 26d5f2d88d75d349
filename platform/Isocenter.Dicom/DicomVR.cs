namespace Isocenter.Dicom;

/// <summary>A value representation (PS3.5 6.2); the numeric value is the two ASCII characters of its code.</summary>
#pragma warning disable CA1028 // the 16-bit underlying type is the wire encoding
public enum DicomVR : ushort
#pragma warning restore CA1028
{
    /// <summary>No VR: item and delimitation tags.</summary>
    None = 0,
    AE = 'A' << 8 | 'E', AS = 'A' << 8 | 'S', AT = 'A' << 8 | 'T', CS = 'C' << 8 | 'S',
    DA = 'D' << 8 | 'A', DS = 'D' << 8 | 'S', DT = 'D' << 8 | 'T', FD = 'F' << 8 | 'D',
    FL = 'F' << 8 | 'L', IS = 'I' << 8 | 'S', LO = 'L' << 8 | 'O', LT = 'L' << 8 | 'T',
    OB = 'O' << 8 | 'B', OD = 'O' << 8 | 'D', OF = 'O' << 8 | 'F', OL = 'O' << 8 | 'L',
    OV = 'O' << 8 | 'V', OW = 'O' << 8 | 'W', PN = 'P' << 8 | 'N', SH = 'S' << 8 | 'H',
    SL = 'S' << 8 | 'L', SQ = 'S' << 8 | 'Q', SS = 'S' << 8 | 'S', ST = 'S' << 8 | 'T',
    SV = 'S' << 8 | 'V', TM = 'T' << 8 | 'M', UC = 'U' << 8 | 'C', UI = 'U' << 8 | 'I',
    UL = 'U' << 8 | 'L', UN = 'U' << 8 | 'N', UR = 'U' << 8 | 'R', US = 'U' << 8 | 'S',
    UT = 'U' << 8 | 'T', UV = 'U' << 8 | 'V',
}

/// <summary>What the standard says about each value representation.</summary>
public static class DicomVRExtensions
{
    /// <summary>Parses a two-letter VR code; false for anything the standard does not define.</summary>
    public static bool TryParse(byte first, byte second, out DicomVR vr)
    {
        vr = (DicomVR)(first << 8 | second);
        return IsDefined(vr);
    }

    /// <summary>Parses a two-letter VR code such as "PN".</summary>
    public static DicomVR ParseVR(string code) =>
        code.Length == 2 && TryParse((byte)code[0], (byte)code[1], out var vr) ? vr
            : throw new FormatException($"'{code}' is not a DICOM value representation (PS3.5 6.2).");

    /// <summary>True when <paramref name="vr"/> is one of the VRs of PS3.5 table 6.2-1.</summary>
    public static bool IsDefined(this DicomVR vr) => vr switch
    {
        DicomVR.AE or DicomVR.AS or DicomVR.AT or DicomVR.CS or DicomVR.DA or DicomVR.DS or DicomVR.DT
        or DicomVR.FD or DicomVR.FL or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.OB or DicomVR.OD
        or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.PN or DicomVR.SH or DicomVR.SL
        or DicomVR.SQ or DicomVR.SS or DicomVR.ST or DicomVR.SV or DicomVR.TM or DicomVR.UC or DicomVR.UI
        or DicomVR.UL or DicomVR.UN or DicomVR.UR or DicomVR.US or DicomVR.UT or DicomVR.UV => true,
        _ => false,
    };

    /// <summary>The two-letter code.</summary>
    public static string Code(this DicomVR vr) => vr == DicomVR.None ? "NONE" : string.Create(2, vr, static (s, v) =>
    {
        s[0] = (char)((ushort)v >> 8);
        s[1] = (char)((ushort)v & 0xFF);
    });

    /// <summary>True when explicit VR encoding uses 2 reserved bytes and a 32-bit length (PS3.5 7.1.2).</summary>
    public static bool HasLongLength(this DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL
        or DicomVR.OV or DicomVR.OW or DicomVR.SQ or DicomVR.SV or DicomVR.UC or DicomVR.UN or DicomVR.UR
        or DicomVR.UT or DicomVR.UV;

    /// <summary>True for VRs whose value is text (character string VRs).</summary>
    public static bool IsString(this DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA
        or DicomVR.DS or DicomVR.DT or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH
        or DicomVR.ST or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UR or DicomVR.UT;

    /// <summary>True for text VRs affected by Specific Character Set (PS3.5 6.1.2.3).</summary>
    public static bool UsesCharacterSet(this DicomVR vr) => vr is DicomVR.LO or DicomVR.LT or DicomVR.PN
        or DicomVR.SH or DicomVR.ST or DicomVR.UC or DicomVR.UT;

    /// <summary>True for text VRs whose value is a single value (no backslash splitting).</summary>
    public static bool IsSingleValuedText(this DicomVR vr) => vr is DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UR;

    /// <summary>True for the binary numeric VRs (and AT), whose values are fixed-size numbers.</summary>
    public static bool IsBinaryNumber(this DicomVR vr) => vr.ValueSize() > 0 && !vr.IsBulk();

    /// <summary>True for the "other" VRs that usually carry bulk data (OB, OD, OF, OL, OV, OW, UN).</summary>
    public static bool IsBulk(this DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL
        or DicomVR.OV or DicomVR.OW or DicomVR.UN;

    /// <summary>Size in bytes of one value for binary VRs (the unit of byte swapping); 0 for text, SQ and OB/UN.</summary>
    public static int ValueSize(this DicomVR vr) => vr switch
    {
        DicomVR.US or DicomVR.SS or DicomVR.OW => 2,
        DicomVR.AT => 2, // a pair of 16-bit numbers, swapped one by one
        DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.OF or DicomVR.OL => 4,
        DicomVR.FD or DicomVR.OD or DicomVR.SV or DicomVR.UV or DicomVR.OV => 8,
        _ => 0,
    };

    /// <summary>The byte that pads a value to even length: space for text (NUL for UI), NUL otherwise.</summary>
    public static byte PaddingByte(this DicomVR vr) => vr.IsString() && vr != DicomVR.UI ? (byte)' ' : (byte)0;

    /// <summary>Maximum length in bytes (or characters for charset-dependent VRs) of one value; 0 when unbounded.</summary>
    public static int MaxValueLength(this DicomVR vr) => vr switch
    {
        DicomVR.AE => 16,
        DicomVR.AS => 4,
        DicomVR.CS => 16,
        DicomVR.DA => 8,
        DicomVR.DS => 16,
        DicomVR.DT => 26,
        DicomVR.IS => 12,
        DicomVR.LO => 64,
        DicomVR.LT => 10240,
        DicomVR.PN => 64 * 3 + 2,
        DicomVR.SH => 16,
        DicomVR.ST => 1024,
        DicomVR.TM => 14,
        DicomVR.UI => 64,
        _ => 0,
    };
}
