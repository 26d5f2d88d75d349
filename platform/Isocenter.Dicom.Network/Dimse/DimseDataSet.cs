using Isocenter.Dicom.IO;

namespace Isocenter.Dicom.Network.Dimse;

/// <summary>Small datasets that travel with a command (C-FIND identifiers), encoded in the presentation context's syntax.</summary>
public static class DimseDataSet
{
    /// <summary>Largest identifier accepted; identifiers are a few keys, not images.</summary>
    public const int MaxLength = 1024 * 1024;

    /// <summary>Encodes <paramref name="dataset"/> (no meta header) in <paramref name="syntax"/>.</summary>
    public static MemoryStream Encode(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset, syntax);
        stream.Position = 0;
        return stream;
    }

    /// <summary>Decodes a dataset from its bytes in <paramref name="syntax"/>.</summary>
    /// <exception cref="DicomReadException">The bytes are not a dataset.</exception>
    public static DicomDataset Decode(ReadOnlyMemory<byte> bytes, DicomTransferSyntax syntax)
    {
        var dataset = new DicomDataset();
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        DicomParser.Parse(stream, syntax, new DicomDatasetBuilder(dataset), new DicomReadOptions { TolerateTruncation = false });
        return dataset;
    }
}
