namespace Isocenter.Dicom.Json;

/// <summary>Options for <see cref="DicomJson"/>.</summary>
public sealed class DicomJsonOptions : DicomBulkDataOptions
{
    /// <summary>The defaults: bulk data inline as base64, compact output.</summary>
    public static DicomJsonOptions Default { get; } = new();

    /// <summary>Indents the output of the <see cref="Stream"/> and <see cref="string"/> overloads.</summary>
    public bool WriteIndented { get; init; }
}
