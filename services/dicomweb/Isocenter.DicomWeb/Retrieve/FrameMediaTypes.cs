using Isocenter.Dicom;

namespace Isocenter.DicomWeb.Retrieve;

/// <summary>
/// The media types of frames and pixel data bulk data and their transfer syntaxes (PS3.18 8.7.3.5, Table 8.7.3-5): the first
/// of each list is the type's default. <c>application/octet-stream</c> is an uncompressed frame (8.7.3.5.1).
/// </summary>
internal static class FrameMediaTypes
{
    private static readonly (string MediaType, string[] TransferSyntaxes)[] Types =
    [
        (DicomWebMediaTypes.OctetStream, [DicomUid.ExplicitVRLittleEndian]),
        (DicomWebMediaTypes.Jpeg, [DicomUid.JPEGLosslessSV1, DicomUid.JPEGBaseline8Bit, DicomUid.JPEGExtended12Bit, DicomUid.JPEGLossless]),
        (DicomWebMediaTypes.JpegLS, [DicomUid.JPEGLSLossless, DicomUid.JPEGLSNearLossless]),
        (DicomWebMediaTypes.Jpeg2000, [DicomUid.JPEG2000Lossless, DicomUid.JPEG2000]),
        (DicomWebMediaTypes.HighThroughputJpeg2000, ["1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202", "1.2.840.10008.1.2.4.203"]),
        (DicomWebMediaTypes.Rle, [DicomUid.RLELossless]),
    ];

    /// <summary>The media type of frames in <paramref name="transferSyntaxUid"/>.</summary>
    public static string Of(string transferSyntaxUid) =>
        Types.FirstOrDefault(t => t.TransferSyntaxes.Contains(transferSyntaxUid)).MediaType ?? DicomWebMediaTypes.OctetStream;

    /// <summary>
    /// The transfer syntaxes that <paramref name="range"/> accepts for frames stored in <paramref name="storedUid"/>, best
    /// first: an explicit <c>transfer-syntax</c> (<c>*</c>: as stored); else the stored syntax when the range's media type
    /// covers it (no transcoding), then the type's default.
    /// </summary>
    public static IEnumerable<string> Candidates(AcceptedMediaType range, string storedUid)
    {
        if (range.TransferSyntax == "*")
        {
            yield return storedUid;
            yield break;
        }
        foreach (var (mediaType, syntaxes) in Types)
        {
            if (!range.Matches(mediaType))
            {
                continue;
            }
            if (range.TransferSyntax is { } asked)
            {
                if (syntaxes.Contains(asked))
                {
                    yield return asked;
                }
                continue;
            }
            if (syntaxes.Contains(storedUid))
            {
                yield return storedUid;
            }
            yield return syntaxes[0];
        }
    }
}
