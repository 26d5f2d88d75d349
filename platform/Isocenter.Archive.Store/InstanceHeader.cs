using Isocenter.Dicom;
using Isocenter.Dicom.Json;

namespace Isocenter.Archive.Store;

/// <summary>The header an <c>InstanceReceived</c> carries: the dataset as DICOM JSON without bulk data.</summary>
internal static class InstanceHeader
{
    /// <summary>Values longer than this are left out of the header (PS3.18's bulk data, which WADO reads from the object).</summary>
    public const int MaxValueLength = 64 * 1024;

    /// <summary>
    /// DICOM JSON of <paramref name="dataset"/> (the elements before Pixel Data) without pixel data at any depth (icons
    /// included), encapsulated data, or any value over <see cref="MaxValueLength"/> bytes. Removes them from the dataset.
    /// </summary>
    public static string ToJson(DicomDataset dataset)
    {
        RemoveBulkData(dataset);
        return DicomJson.Serialize(dataset);
    }

    private static void RemoveBulkData(DicomDataset dataset)
    {
        dataset.RemoveAll(element => element is DicomFragmentSequence || element.Tag.Group == 0x7FE0
            || element is DicomValueElement { Length: > MaxValueLength });
        foreach (var sequence in dataset.OfType<DicomSequence>())
        {
            foreach (var item in sequence.Items)
            {
                RemoveBulkData(item);
            }
        }
    }
}
