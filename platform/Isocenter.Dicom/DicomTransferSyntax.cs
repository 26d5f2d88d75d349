using System.Collections.Frozen;

namespace Isocenter.Dicom;

/// <summary>A transfer syntax (PS3.5 10): how a dataset is encoded: VR explicitness, byte order, deflate, encapsulated pixel data.</summary>
public sealed class DicomTransferSyntax : IEquatable<DicomTransferSyntax>
{
    private DicomTransferSyntax(string uid, string name, bool explicitVR = true, bool bigEndian = false, bool deflated = false, bool encapsulated = false, bool lossy = false)
    {
        Uid = uid;
        Name = name;
        IsExplicitVR = explicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
    }

    /// <summary>The transfer syntax UID.</summary>
    public string Uid { get; }

    /// <summary>The standard's name.</summary>
    public string Name { get; }

    /// <summary>True when VRs are written in the stream.</summary>
    public bool IsExplicitVR { get; }

    /// <summary>True for Explicit VR Big Endian (retired, still met in the wild).</summary>
    public bool IsBigEndian { get; }

    /// <summary>True when the dataset after the meta header is deflated (RFC 1951).</summary>
    public bool IsDeflated { get; }

    /// <summary>True when Pixel Data is encapsulated in fragments (compressed).</summary>
    public bool IsEncapsulated { get; }

    /// <summary>True for lossy compression.</summary>
    public bool IsLossy { get; }

#pragma warning disable CS1591 // names are the standard's
    public static readonly DicomTransferSyntax ImplicitVRLittleEndian = new(DicomUid.ImplicitVRLittleEndian, "Implicit VR Little Endian", explicitVR: false);
    public static readonly DicomTransferSyntax ExplicitVRLittleEndian = new(DicomUid.ExplicitVRLittleEndian, "Explicit VR Little Endian");
    public static readonly DicomTransferSyntax ExplicitVRBigEndian = new(DicomUid.ExplicitVRBigEndian, "Explicit VR Big Endian", bigEndian: true);
    public static readonly DicomTransferSyntax DeflatedExplicitVRLittleEndian = new(DicomUid.DeflatedExplicitVRLittleEndian, "Deflated Explicit VR Little Endian", deflated: true);
    public static readonly DicomTransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = new("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", encapsulated: true);
    public static readonly DicomTransferSyntax JPEGBaseline8Bit = new(DicomUid.JPEGBaseline8Bit, "JPEG Baseline (Process 1)", encapsulated: true, lossy: true);
    public static readonly DicomTransferSyntax JPEGExtended12Bit = new(DicomUid.JPEGExtended12Bit, "JPEG Extended (Process 2 and 4)", encapsulated: true, lossy: true);
    public static readonly DicomTransferSyntax JPEGLossless = new(DicomUid.JPEGLossless, "JPEG Lossless, Non-Hierarchical (Process 14)", encapsulated: true);
    public static readonly DicomTransferSyntax JPEGLosslessSV1 = new(DicomUid.JPEGLosslessSV1, "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", encapsulated: true);
    public static readonly DicomTransferSyntax JPEGLSLossless = new(DicomUid.JPEGLSLossless, "JPEG-LS Lossless Image Compression", encapsulated: true);
    public static readonly DicomTransferSyntax JPEGLSNearLossless = new(DicomUid.JPEGLSNearLossless, "JPEG-LS Lossy (Near-Lossless) Image Compression", encapsulated: true, lossy: true);
    public static readonly DicomTransferSyntax JPEG2000Lossless = new(DicomUid.JPEG2000Lossless, "JPEG 2000 Image Compression (Lossless Only)", encapsulated: true);
    public static readonly DicomTransferSyntax JPEG2000 = new(DicomUid.JPEG2000, "JPEG 2000 Image Compression", encapsulated: true, lossy: true);
    public static readonly DicomTransferSyntax HTJ2KLossless = new("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", encapsulated: true);
    public static readonly DicomTransferSyntax HTJ2KLosslessRPCL = new("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", encapsulated: true);
    public static readonly DicomTransferSyntax HTJ2K = new("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", encapsulated: true, lossy: true);
    public static readonly DicomTransferSyntax RLELossless = new(DicomUid.RLELossless, "RLE Lossless", encapsulated: true);
#pragma warning restore CS1591

    private static readonly FrozenDictionary<string, DicomTransferSyntax> Known = new[]
    {
        ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian,
        EncapsulatedUncompressedExplicitVRLittleEndian, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1,
        JPEGLSLossless, JPEGLSNearLossless, JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K, RLELossless,
    }.ToFrozenDictionary(ts => ts.Uid, StringComparer.Ordinal);

    /// <summary>The transfer syntaxes this toolkit can write datasets in (pixel data is copied, not transcoded).</summary>
    public static IReadOnlyList<DicomTransferSyntax> Writable { get; } =
        [ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian];

    /// <summary>
    /// The transfer syntax for a UID. Unknown UIDs in the registry's transfer syntax list, and any other UID, are taken to be
    /// encapsulated Explicit VR Little Endian (PS3.5 A.4: every compressed transfer syntax is).
    /// </summary>
    public static DicomTransferSyntax Parse(string uid)
    {
        var clean = uid.TrimEnd('\0', ' ');
        if (Known.TryGetValue(clean, out var ts))
        {
            return ts;
        }
        var info = DicomUid.Find(clean);
        return new DicomTransferSyntax(clean, info?.Name ?? $"Unknown transfer syntax {clean}", encapsulated: true, lossy: info?.Name.Contains("Lossy", StringComparison.OrdinalIgnoreCase) ?? false);
    }

    /// <inheritdoc/>
    public bool Equals(DicomTransferSyntax? other) => other is not null && other.Uid == Uid;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DicomTransferSyntax);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Uid);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Uid})";
}
