using System.Text;

namespace Isocenter.Dicom.Text;

/// <summary>The character repertoires of a dataset's Specific Character Set (0008,0005), PS3.5 6.1 and PS3.3 C.12.1.1.2.</summary>
public sealed class DicomCharacterSet : IEquatable<DicomCharacterSet>
{
    private DicomCharacterSet(IReadOnlyList<string> terms) => Terms = terms;

    /// <summary>The default repertoire (ISO-IR 6); bytes above 0x7F are decoded leniently as Latin-1.</summary>
    public static DicomCharacterSet Default { get; } = new([]);

    /// <summary>ISO_IR 192: UTF-8.</summary>
    public static DicomCharacterSet Utf8 { get; } = new(["ISO_IR 192"]);

    /// <summary>The defined terms, as given in (0008,0005).</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>True for the default repertoire.</summary>
    public bool IsDefault => Terms.Count == 0;

    /// <summary>The character set for the values of Specific Character Set; unknown terms are tolerated.</summary>
    public static DicomCharacterSet FromSpecificCharacterSet(IReadOnlyList<string> terms) =>
        terms.Count == 0 || (terms.Count == 1 && terms[0].Trim().Length == 0) ? Default : new([.. terms.Select(t => t.Trim())]);

    /// <summary>Decodes a value of a text VR.</summary>
    public string Decode(ReadOnlySpan<byte> bytes, DicomVR vr) => (IsDefault ? Encoding.Latin1 : Encoding.UTF8).GetString(bytes);

    /// <summary>Encodes a value of a text VR; throws <see cref="DicomDataException"/> when a character cannot be represented.</summary>
    public byte[] Encode(string text, DicomVR vr) => (IsDefault ? Encoding.Latin1 : Encoding.UTF8).GetBytes(text);

    /// <inheritdoc/>
    public bool Equals(DicomCharacterSet? other) => other is not null && Terms.SequenceEqual(other.Terms, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as DicomCharacterSet);

    /// <inheritdoc/>
    public override int GetHashCode() => string.Join('\\', Terms).GetHashCode(StringComparison.Ordinal);
}
