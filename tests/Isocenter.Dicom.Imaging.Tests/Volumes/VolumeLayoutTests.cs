using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Dicom.Imaging.Tests.Volumes;

/// <summary>The checks of <see cref="VolumeLayout.Create"/>, on headers alone: each refusal names the offending slices.</summary>
public sealed class VolumeLayoutTests
{
    [Fact]
    public void Create_MixedOrientations_NamesTheSlice()
    {
        var slices = Axial(5, edit: (i, d) => { if (i == 3) d.Set<double>(DicomTag.ImageOrientationPatient, 1, 0, 0, 0, 0.9, 0.43589); });

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.StartsWith("Mixed orientations: s0 has", error.Message);
        Assert.Contains("s3 has (1, 0, 0)(0, 0.9, 0.4359)", error.Message);
    }

    [Fact]
    public void Create_MixedSizes_NamesTheSlice()
    {
        var slices = Axial(4, edit: (i, d) => { if (i == 2) d.Set<ushort>(DicomTag.Columns, 48); });

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal("Mixed image sizes: s0 is 32×32, but s2 is 48×32.", error.Message);
    }

    [Fact]
    public void Create_MixedPixelFormats_NamesTheSlice()
    {
        var slices = Axial(4, edit: (i, d) => { if (i == 1) d.Set<ushort>(DicomTag.PixelRepresentation, DicomVR.US, 0); });

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal("Mixed pixel formats: s0 has 1 sample(s) of 12/16 bits signed MONOCHROME2, but s1 has 1 sample(s) of 12/16 bits unsigned MONOCHROME2.", error.Message);
    }

    [Fact]
    public void Create_DuplicatePosition_NamesBothSlices()
    {
        var slices = Axial(5, edit: (i, d) => { if (i == 4) d.Set<double>(DicomTag.ImagePositionPatient, 0.0, 0, -2.5); });

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Matches("^Duplicate positions along the normal: s[14] and s[14] at -2.5 mm.$", error.Message);
    }

    [Fact]
    public void Create_MissingSlice_ReportsTheGapAndSpacing()
    {
        var slices = Axial(6).Where(s => s.Source != "s3");

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal("Uneven slice spacing (most slices are 2.5 mm apart, ±1% allowed): 5 mm between s4 and s2 (1 slice(s) missing?).", error.Message);
    }

    [Fact]
    public void Create_UnevenSpacing_ReportsSpacingsFound()
    {
        var slices = Axial(6, edit: (i, d) => d.Set<double>(DicomTag.ImagePositionPatient, 0.0, 0, i < 3 ? -2.5 * i : -5 - 3 * (i - 2)));

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal("Uneven slice spacing (most slices are 3 mm apart, ±1% allowed): 2.5 mm between s2 and s1; 2.5 mm between s1 and s0.", error.Message);
    }

    [Fact]
    public void Create_SpacingWithinTolerance_Accepted()
    {
        var slices = Axial(4, edit: (i, d) => d.Set<double>(DicomTag.ImagePositionPatient, 0.0, 0, -2.5 * i + (i == 2 ? 0.02 : 0)));

        var layout = VolumeLayout.Create(slices);

        Assert.Equal(2.5, layout.Geometry.SliceSpacing, precision: 9);
    }

    [Fact]
    public void Create_PositionsOffTheLine_NamesTheSlice()
    {
        var slices = Axial(5, edit: (i, d) => d.Set<double>(DicomTag.ImagePositionPatient, i == 2 ? 4 : 0, 0, -2.5 * i));

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal("Slice positions do not lie on one line through the first and last slices: s2 is 4 mm off.", error.Message);
    }

    [Theory]
    [InlineData(0x0020, 0x0032, "No Image Position (Patient) (0020,0032) in s1.")]
    [InlineData(0x0020, 0x0037, "No valid Image Orientation (Patient) (0020,0037) in s1.")]
    [InlineData(0x0028, 0x0030, "No valid Pixel Spacing (0028,0030) in s1.")]
    public void Create_MissingAttribute_NamesTheSlice(ushort group, ushort element, string message)
    {
        var slices = Axial(3, edit: (i, d) => { if (i == 1) d.Remove(new DicomTag(group, element)); });

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Create_OneSlice_Refused()
    {
        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(Axial(1)));

        Assert.Equal("A volume needs at least 2 slices; got 1 (s0).", error.Message);
    }

    [Fact]
    public void Create_Colour_Refused()
    {
        var slices = Axial(2, edit: (i, d) => d.Set<ushort>(DicomTag.SamplesPerPixel, 3).Set(DicomTag.PhotometricInterpretation, "RGB"));

        var error = Assert.Throws<DicomDataException>(() => VolumeLayout.Create(slices));

        Assert.StartsWith("Volumes are made of greyscale (MONOCHROME1/2, 1 sample) slices, not s0 (3 sample(s) of 12/16 bits signed RGB)", error.Message);
    }

    [Fact]
    public void SortAlongNormal_Gap_SortsWithoutChecking()
    {
        var slices = Axial(5).Where(s => s.Source != "s2").OrderBy(s => s.Source == "s3");

        var sorted = VolumeLayout.SortAlongNormal(slices);

        Assert.Equal(["s4", "s3", "s1", "s0"], sorted.Select(s => s.Source));
    }

    /// <summary>Headers of an axial stack: 32×32, 0.7 mm pixels, positions 2.5 mm apart going down (z decreasing), named s0, s1, …</summary>
    private static List<VolumeSlice> Axial(int count, Action<int, DicomDataset>? edit = null)
    {
        var slices = new List<VolumeSlice>();
        for (var i = 0; i < count; i++)
        {
            var dataset = new DicomDataset()
                .Set(DicomTag.SOPInstanceUID, $"1.2.3.{i}")
                .Set(DicomTag.FrameOfReferenceUID, "1.2.3")
                .Set<ushort>(DicomTag.Rows, 32).Set<ushort>(DicomTag.Columns, 32)
                .Set<ushort>(DicomTag.SamplesPerPixel, 1).Set(DicomTag.PhotometricInterpretation, "MONOCHROME2")
                .Set<ushort>(DicomTag.BitsAllocated, 16).Set<ushort>(DicomTag.BitsStored, 12).Set<ushort>(DicomTag.PixelRepresentation, 1)
                .Set<double>(DicomTag.PixelSpacing, 0.7, 0.7)
                .Set<double>(DicomTag.ImageOrientationPatient, 1, 0, 0, 0, 1, 0)
                .Set<double>(DicomTag.ImagePositionPatient, 0.0, 0, -2.5 * i);
            edit?.Invoke(i, dataset);
            slices.AddRange(VolumeSlice.FromDataset(dataset, $"s{i}"));
        }
        return slices;
    }
}
