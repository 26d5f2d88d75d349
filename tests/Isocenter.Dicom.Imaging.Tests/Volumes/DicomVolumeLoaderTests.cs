using Isocenter.Cli.Demo;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Dicom.Imaging.Tests.Volumes;

public sealed class DicomVolumeLoaderTests
{
    private static readonly DicomCodecRegistry Codecs = DicomCodecRegistry.CreateDefault();

    [Fact]
    public void Load_ShuffledDemoSeriesHalfRle_SortedAlongNormalWithSpacingAndAffine()
    {
        using var series = new DemoSeries(slices: 12);
        // Every other instance compressed by DCMTK, so the volume is decoded through two transfer syntaxes.
        foreach (var path in series.Paths.Where((_, i) => i % 2 == 0))
        {
            Dcmtk.Run("dcmcrle", path, path + ".rle");
            File.Move(path + ".rle", path, overwrite: true);
        }
        var progress = new List<VolumeProgress>();

        var volume = DicomVolumeLoader.Load(series.Shuffled(seed: 7), Codecs, progress: new SynchronousProgress(progress.Add));

        // The demo's z decreases with the instance number, and the normal of (1,0,0)\(0,1,0) is +z: volume order is reversed.
        Assert.Equal(series.Paths.Reverse(), volume.Layout.Slices.Select(s => s.Source));
        var g = volume.Geometry;
        Assert.Equal((32, 32, 12), (g.Columns, g.Rows, g.Slices));
        Assert.Equal(new Vector3D(0, 0, 1), g.Normal);
        Assert.Equal(DemoSeries.Thickness, g.SliceSpacing, precision: 9);
        Assert.Equal(0, g.ShearDegrees, precision: 6);
        var origin = -(32 - 1) / 2.0 * series.PixelSpacing;
        var s = series.PixelSpacing;
        var t = DemoSeries.Thickness;
        double[] expected =
        [
            s, 0, 0, origin,
            0, s, 0, origin,
            0, 0, t, -11 * t,
            0, 0, 0, 1,
        ];
        Assert.Equal(expected, g.VoxelToPatient(), new ToleranceComparer(1e-9));
        Assert.Equal(typeof(short), volume.VoxelType);
        Assert.Equal(Enumerable.Range(1, 12).Select(k => new VolumeProgress(k, 12)), progress);
        AssertVoxelsEqualDecodedFrames(volume);
    }

    [Fact]
    public void Load_ObliqueSeries_MatchesPydicomAndPositions()
    {
        // Rotated 30° about z and 20° about x; positions step against the normal, so the volume reverses instance order.
        var (row, column, normal) = Rotation(30, 20);
        var start = new Vector3D(10, -20, 30);
        using var series = new DemoSeries(slices: 6, edit: (i, dataset) => dataset
            .Set<double>(DicomTag.ImageOrientationPatient, row.X, row.Y, row.Z, column.X, column.Y, column.Z)
            .Set<double>(DicomTag.ImagePositionPatient, Values(start - normal * (i * DemoSeries.Thickness))));

        var volume = DicomVolumeLoader.Load(series.Shuffled(seed: 3), Codecs);

        var g = volume.Geometry;
        Assert.Equal(series.Paths.Reverse(), volume.Layout.Slices.Select(s => s.Source));
        Assert.Equal(DemoSeries.Thickness, g.SliceSpacing, precision: 9);
        Assert.True((g.Normal - normal).Length < 1e-9, $"normal {g.Normal}, expected {normal}");
        var last = start - normal * (5 * DemoSeries.Thickness);
        Assert.True((g.ToPatient(0, 0, 0) - last).Length < 1e-6);
        var corner = start + row * (31 * series.PixelSpacing) + column * (31 * series.PixelSpacing);
        Assert.True((g.ToPatient(31, 31, 5) - corner).Length < 1e-6, $"{g.ToPatient(31, 31, 5)} vs {corner}");
        AssertEqualsPydicom(volume, series.Paths);
    }

    [Fact]
    public void Load_GantryTiltedSeries_ShearedAffineThroughEveryPosition()
    {
        // A CT tilted 15°: the column direction leans towards +z, while the table (the positions) moves along z only.
        var tilt = 15 * Math.PI / 180;
        using var series = new DemoSeries(slices: 5, edit: (i, dataset) => dataset
            .Set<double>(DicomTag.ImageOrientationPatient, 1, 0, 0, 0, Math.Cos(tilt), Math.Sin(tilt))
            .Set<double>(DicomTag.ImagePositionPatient, -50, -60, -i * DemoSeries.Thickness));

        var volume = DicomVolumeLoader.Load(series.Shuffled(seed: 1), Codecs);

        var g = volume.Geometry;
        Assert.Equal(DemoSeries.Thickness * Math.Cos(tilt), g.SliceSpacing, precision: 9);
        Assert.Equal(15, g.ShearDegrees, precision: 6);
        for (var k = 0; k < 5; k++)
        {
            var expected = new Vector3D(-50, -60, -(4 - k) * DemoSeries.Thickness);
            Assert.True((g.ToPatient(0, 0, k) - expected).Length < 1e-9, $"slice {k}: {g.ToPatient(0, 0, k)} vs {expected}");
        }
        AssertVoxelsEqualDecodedFrames(volume);
    }

    [Fact]
    public void Load_EnhancedMultiFrame_FramesSortedAlongNormal()
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var generator = new SyntheticCtGenerator(new SyntheticCtOptions { Size = 32, SliceThickness = 3 });
            var path = Path.Combine(folder, "enhanced.dcm");
            new DicomFile(generator.CreateVolume(frames: 7), DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);

            var volume = DicomVolumeLoader.Load([path], Codecs);

            Assert.Equal(Enumerable.Range(0, 7).Reverse(), volume.Layout.Slices.Select(s => s.Frame));
            Assert.Equal($"{path} frame 7", volume.Layout.Slices[0].Name);
            Assert.Equal(3, volume.Geometry.SliceSpacing, precision: 9);
            Assert.Equal(-18, volume.Geometry.Origin.Z, precision: 9);
            Assert.Equal(generator.PixelSpacing, volume.Geometry.RowSpacing, precision: 9);
            AssertVoxelsEqualDecodedFrames(volume);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_FractionalSlope_Float32()
    {
        using var series = new DemoSeries(slices: 3, edit: (_, dataset) => dataset.Set(DicomTag.RescaleSlope, "0.5"));

        var volume = DicomVolumeLoader.Load(series.Paths, Codecs);

        Assert.Equal(typeof(float), volume.VoxelType);
        AssertVoxelsEqualDecodedFrames(volume);
    }

    [Fact]
    public void Load_OneSliceOutOfInt16Range_SwitchesToFloat32WithEveryValueKept()
    {
        // The last instance comes first in volume order: the switch happens after one slice was stored as int16.
        using var series = new DemoSeries(slices: 4, edit: (i, dataset) => dataset.Set(DicomTag.RescaleIntercept, i == 2 ? "32000" : "-1024"));

        var volume = DicomVolumeLoader.Load(series.Paths, Codecs);

        Assert.Equal(typeof(float), volume.VoxelType);
        AssertVoxelsEqualDecodedFrames(volume);
    }

    [Theory]
    [InlineData("-1024", typeof(short))]
    [InlineData("32000", typeof(float))]
    public void Fill_InParallel_SameVoxelsAndEveryCountReported(string intercept, Type voxelType)
    {
        // With intercept 32000 on one slice the int16 pass fails part way, wherever the threads are, and float32 follows.
        using var series = new DemoSeries(slices: 9, edit: (i, dataset) => dataset.Set(DicomTag.RescaleIntercept, i == 5 ? intercept : "-1024"));
        var layout = VolumeLayout.Create(series.Paths.SelectMany(p => VolumeSlice.FromDataset(DicomFile.Open(p, new DicomReadOptions { StopBeforePixelData = true }).Dataset, p)));
        var progress = new List<VolumeProgress>();

        var volume = DicomVolumeLoader.Fill(layout, path => DicomPixelData.Create(DicomFile.Open(path)), Codecs,
            new SynchronousProgress(p => { lock (progress) { progress.Add(p); } }), maxDegreeOfParallelism: 4);

        Assert.Equal(voxelType, volume.VoxelType);
        AssertVoxelsEqualDecodedFrames(volume);
        Assert.Equal(Enumerable.Range(1, 9), progress.Select(p => p.SlicesDone).Distinct().Order());
    }

    [Fact]
    public void Load_Cancelled_Throws()
    {
        using var series = new DemoSeries(slices: 2);

        Assert.Throws<OperationCanceledException>(() => DicomVolumeLoader.Load(series.Paths, Codecs, cancellationToken: new CancellationToken(true)));
    }

    /// <summary>Each voxel equals the stored value of its slice's frame, decoded on its own, times slope plus intercept.</summary>
    private static void AssertVoxelsEqualDecodedFrames(DicomVolume volume)
    {
        var g = volume.Geometry;
        for (var k = 0; k < g.Slices; k++)
        {
            var slice = volume.Layout.Slices[k];
            var pixelData = DicomPixelData.Create(DicomFile.Open(slice.Source));
            var frame = Codecs.GetFrame(pixelData, slice.Frame);
            for (var i = 0; i < g.Rows * g.Columns; i++)
            {
                var expected = pixelData.ReadSample(frame, i) * slice.RescaleSlope + slice.RescaleIntercept;
                Assert.Equal(expected, volume[i % g.Columns, i / g.Columns, k]);
            }
        }
    }

    /// <summary>pydicom sorts by position along the normal, applies the rescale and writes the int16 volume; it must equal ours.</summary>
    private static void AssertEqualsPydicom(DicomVolume volume, IReadOnlyList<string> paths)
    {
        var folder = Dcmtk.TempFolder();
        try
        {
            var script = Path.Combine(folder, "volume.py");
            var output = Path.Combine(folder, "volume.raw");
            File.WriteAllText(script, """
                import sys, numpy as np, pydicom
                out, paths = sys.argv[1], sys.argv[2:]
                ds = [pydicom.dcmread(p) for p in paths]
                o = np.array(ds[0].ImageOrientationPatient, dtype=float)
                n = np.cross(o[:3], o[3:])
                ds.sort(key=lambda d: float(np.dot(np.array(d.ImagePositionPatient, dtype=float), n)))
                v = np.stack([d.pixel_array * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in ds])
                v.astype('<i2').tofile(out)
                """);
            Dcmtk.Run("/usr/bin/python3", [script, output, .. paths]);
            var bytes = File.ReadAllBytes(output);
            var expected = new short[bytes.Length / 2];
            Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
            Assert.Equal(expected, volume.Int16Voxels);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (Vector3D Row, Vector3D Column, Vector3D Normal) Rotation(double aboutZ, double aboutX)
    {
        var (cz, sz) = (Math.Cos(aboutZ * Math.PI / 180), Math.Sin(aboutZ * Math.PI / 180));
        var (cx, sx) = (Math.Cos(aboutX * Math.PI / 180), Math.Sin(aboutX * Math.PI / 180));
        // Columns of Rz · Rx.
        return (new Vector3D(cz, sz, 0), new Vector3D(-sz * cx, cz * cx, sx), new Vector3D(sz * sx, -cz * sx, cx));
    }

    private static double[] Values(Vector3D v) => [v.X, v.Y, v.Z];

    private sealed class SynchronousProgress(Action<VolumeProgress> report) : IProgress<VolumeProgress>
    {
        public void Report(VolumeProgress value) => report(value);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
