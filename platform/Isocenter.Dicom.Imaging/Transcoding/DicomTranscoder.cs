using System.Globalization;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Codecs.Jpeg;
using Isocenter.Dicom.Imaging.Codecs.Native;
using Isocenter.Dicom.Imaging.Frames;

namespace Isocenter.Dicom.Imaging.Transcoding;

/// <summary>
/// Converts a file's pixel data from its transfer syntax to another: frames are decoded to native (Explicit VR Little
/// Endian layout) and, for an encapsulated target, encoded by the registry's codec for it, one fragment per frame with a
/// Basic Offset Table. Encoder settings (JPEG quality, JPEG-LS NEAR, JPEG 2000 ratio) are those of the codec in the registry:
/// add a configured codec to change them. Every attribute outside the Image Pixel module is kept, except that lossy output
/// gets a new SOP Instance UID referencing its predecessor, as <c>dcmcjpeg</c> does by default (<c>+ud</c>).
/// </summary>
public sealed class DicomTranscoder(DicomCodecRegistry codecs)
{
    private static readonly DicomTag[] OffsetTables = [DicomTag.ExtendedOffsetTable, DicomTag.ExtendedOffsetTableLengths];

    /// <summary>
    /// A new file with <paramref name="file"/>'s dataset in <paramref name="target"/>; <paramref name="file"/> is not changed.
    /// Between native syntaxes the pixel data is kept as it is (the writer changes byte order and VR).
    /// Throws <see cref="NotSupportedException"/> when the target's encoder cannot keep the image (e.g. 16-bit samples in JPEG baseline).
    /// </summary>
    public DicomFile Transcode(DicomFile file, DicomTransferSyntax target)
    {
        var dataset = file.Dataset.Clone();
        if (!dataset.Contains(DicomTag.PixelData) || target.Equals(file.TransferSyntax) || !file.TransferSyntax.IsEncapsulated && !target.IsEncapsulated)
        {
            return new DicomFile(dataset, target);
        }
        var source = DicomPixelData.Create(file);
        var frames = Enumerable.Range(0, source.NumberOfFrames).Select(i => codecs.GetFrame(source, i)).ToArray();
        foreach (var tag in OffsetTables)
        {
            dataset.Remove(tag);
        }
        if (source.IsEncapsulated)
        {
            dataset.Set(DicomTag.PhotometricInterpretation, source.FramePhotometricInterpretation);
            if (file.TransferSyntax.IsLossy && !dataset.Contains(DicomTag.LossyImageCompression))
            {
                dataset.Set(DicomTag.LossyImageCompression, "01");
            }
        }
        if (!target.IsEncapsulated)
        {
            var native = new byte[(frames.Sum(f => (long)f.Length) + 1) & ~1L];
            var at = 0;
            foreach (var frame in frames)
            {
                frame.CopyTo(native, at);
                at += frame.Length;
            }
            dataset.Add(new DicomValueElement(DicomTag.PixelData, source.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, DicomBuffer.FromBytes(native)));
            return new DicomFile(dataset, target);
        }
        return Encode(dataset, frames, target);
    }

    private DicomFile Encode(DicomDataset dataset, byte[][] frames, DicomTransferSyntax target)
    {
        var codec = codecs.Find(target)
            ?? throw new NotSupportedException($"No encoder for {target}; available: {string.Join(", ", codecs.TransferSyntaxUids)}.");
        var pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        if (pixelData.IsNative422)
        {
            throw new NotSupportedException("Native YBR_FULL_422 pixel data cannot be encoded; decode it to RGB first.");
        }
        if (pixelData.SamplesPerPixel > 1 && target.Uid != DicomUid.RLELossless && pixelData.PlanarConfiguration == 1)
        {
            // PS3.5 8.2 (CP-1843): JPEG, JPEG-LS and JPEG 2000 colour images have Planar Configuration 0.
            frames = [.. frames.Select(frame => NativeSamples.Interleaved(pixelData, frame).ToArray())];
            dataset.Set(DicomTag.PlanarConfiguration, (ushort)0);
            pixelData = DicomPixelData.Create(dataset, DicomTransferSyntax.ExplicitVRLittleEndian);
        }
        var encoded = frames.Select(frame => Padded(codec.Encode(pixelData, frame))).ToArray();
        if (pixelData.SamplesPerPixel == 3 && pixelData.PhotometricInterpretation == "RGB" && ColourTransform(codec) is { } photometric)
        {
            dataset.Set(DicomTag.PhotometricInterpretation, photometric);
        }
        if (target.IsLossy)
        {
            MarkLossy(dataset, target, (double)frames.Sum(f => (long)f.Length) / encoded.Sum(f => (long)f.Length));
        }
        var offsets = new byte[encoded.Length * 4];
        uint offset = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            BitConverter.TryWriteBytes(offsets.AsSpan(i * 4), offset);
            offset = checked(offset + 8 + (uint)encoded[i].Length);
        }
        dataset.Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.FromBytes(offsets), encoded.Select(f => DicomBuffer.FromBytes(f))));
        return new DicomFile(dataset, target);
    }

    /// <summary>The Photometric Interpretation an RGB image gets from the codec's colour transform (PS3.5 8.2.1, 8.2.4), or null.</summary>
    private static string? ColourTransform(IDicomCodec codec) => codec switch
    {
        JpegCodec jpeg => jpeg.Subsampling == JpegChromaSubsampling.None ? "YBR_FULL" : "YBR_FULL_422",
        _ when codec.TransferSyntax.Uid == DicomUid.JPEG2000Lossless => "YBR_RCT",
        _ when codec.TransferSyntax.Uid == DicomUid.JPEG2000 => "YBR_ICT",
        _ => null,
    };

    /// <summary>
    /// Lossy Image Compression (0028,2110) 01, its Ratio and Method appended to earlier ones (PS3.3 C.7.6.1.1.5), and a new
    /// instance as <c>dcmcjpeg</c> makes it: new SOP Instance UID, Image Type DERIVED, the predecessor in Source Image
    /// Sequence (purpose 121320 "Uncompressed predecessor") and Derivation Code 113040 "Lossy Compression".
    /// </summary>
    private static void MarkLossy(DicomDataset dataset, DicomTransferSyntax target, double ratio)
    {
        var method = target.Uid switch
        {
            DicomUid.JPEGBaseline8Bit or DicomUid.JPEGExtended12Bit => "ISO_10918_1",
            DicomUid.JPEGLSNearLossless => "ISO_14495_1",
            _ => "ISO_15444_1",
        };
        dataset.Set(DicomTag.LossyImageCompression, "01");
        dataset.Set(DicomTag.LossyImageCompressionRatio, [.. dataset.GetStrings(DicomTag.LossyImageCompressionRatio), ratio.ToString("0.####", CultureInfo.InvariantCulture)]);
        dataset.Set(DicomTag.LossyImageCompressionMethod, [.. dataset.GetStrings(DicomTag.LossyImageCompressionMethod), method]);
        var sopClass = dataset.GetString(DicomTag.SOPClassUID);
        var sopInstance = dataset.GetString(DicomTag.SOPInstanceUID);
        if (sopClass is not null && sopInstance is not null)
        {
            dataset.Set(DicomTag.SourceImageSequence, new DicomDataset()
                .Set(DicomTag.ReferencedSOPClassUID, sopClass)
                .Set(DicomTag.ReferencedSOPInstanceUID, sopInstance)
                .Set(DicomTag.PurposeOfReferenceCodeSequence, Code("121320", "Uncompressed predecessor")));
        }
        dataset.Set(DicomTag.DerivationCodeSequence, Code("113040", "Lossy Compression"));
        var description = string.Create(CultureInfo.InvariantCulture, $"Lossy compression with {target.Name}, compression ratio {ratio:0.####}");
        var previous = dataset.GetString(DicomTag.DerivationDescription);
        dataset.Set(DicomTag.DerivationDescription, string.IsNullOrEmpty(previous) ? description : $"{description}; {previous}");
        if (dataset.GetStrings(DicomTag.ImageType) is [_, .. var rest])
        {
            dataset.Set(DicomTag.ImageType, ["DERIVED", .. rest]);
        }
        dataset.Set(DicomTag.SOPInstanceUID, DicomUid.Generate());
    }

    private static DicomDataset Code(string value, string meaning) => new DicomDataset()
        .Set(DicomTag.CodeValue, value)
        .Set(DicomTag.CodingSchemeDesignator, "DCM")
        .Set(DicomTag.CodeMeaning, meaning);

    /// <summary>A fragment padded to even length (PS3.5 A.4), so that the Basic Offset Table counts what is written.</summary>
    private static byte[] Padded(byte[] fragment) => fragment.Length % 2 == 0 ? fragment : [.. fragment, 0];
}
