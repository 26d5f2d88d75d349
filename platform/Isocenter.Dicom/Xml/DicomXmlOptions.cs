using Isocenter.Dicom.Json;

namespace Isocenter.Dicom.Xml;

/// <summary>Options for <see cref="DicomXml"/>.</summary>
public sealed class DicomXmlOptions : DicomBulkDataOptions
{
    /// <summary>The defaults: bulk data inline as base64, compact output.</summary>
    public static DicomXmlOptions Default { get; } = new();

    /// <summary>Indents the output of the <see cref="Stream"/> and <see cref="string"/> overloads.</summary>
    public bool WriteIndented { get; init; }
}
