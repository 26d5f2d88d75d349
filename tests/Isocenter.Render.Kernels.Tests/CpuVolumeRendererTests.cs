using Isocenter.Dicom.Imaging.Volumes;

namespace Isocenter.Render.Kernels.Tests;

public class CpuVolumeRendererTests
{
    [Fact]
    public void Project_MipOfSphere_SphereValueInsideDiscBackgroundOutside()
    {
        var volume = Phantom.Create(40, Phantom.Sphere(new Vector3D(0, 0, 0), 12, 1000, 0));
        var camera = VolumeCamera.Anterior(volume.Geometry, 64, 64);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Mip));

        Assert.Equal(1000, Phantom.At(values, camera, new Vector3D(0, 0, 0)), 0.01);
        Assert.Equal(1000, Phantom.At(values, camera, new Vector3D(6, 0, -6)), 0.01);
        Assert.Equal(0, Phantom.At(values, camera, new Vector3D(16, 0, 0)), 0.01);
        Assert.Equal(0, values[0], 0.01);
    }

    [Fact]
    public void Project_CylinderAlongTheBody_RectangleFromTheFrontDiscInAxialSliceChordInTheAverage()
    {
        // A head–foot cylinder of radius 8 mm around x = 4, y = 0, valued 500 in air (0); the box spans ±20 mm.
        var volume = Phantom.Create(41, p => (p.X - 4) * (p.X - 4) + p.Y * p.Y <= 64 ? 500 : 0);
        var front = VolumeCamera.Anterior(volume.Geometry, 41, 41);
        var axial = VolumeCamera.Axial(volume.Geometry, 41, 41).Moved(3);

        var mip = CpuVolumeRenderer.Project(volume, new RenderRequest(front, RenderMode.Mip));
        var average = CpuVolumeRenderer.Project(volume, new RenderRequest(front, RenderMode.Average));
        var slice = CpuVolumeRenderer.Project(volume, new RenderRequest(axial, RenderMode.Mip) { SlabThickness = 0 });

        AssertEveryPixel(mip, front, p => Math.Abs(p.X - 4) <= 7 ? 500 : Math.Abs(p.X - 4) >= 9 ? 0 : double.NaN, 0.01, skipNaN: true);
        // Along a ray through the axis the samples cross 16 of the 40 mm: 500 · 16 / 40, within a voxel of the edges. The
        // slice's pixels are not on the voxel grid: a margin of a cell diagonal (1.5 mm) either side of the circle.
        Assert.InRange(Phantom.At(average, front, new Vector3D(4, 0, 0)), 185, 215);
        var r = (Vector3D p) => Math.Sqrt((p.X - 4) * (p.X - 4) + p.Y * p.Y);
        AssertEveryPixel(slice, axial, p => r(p) <= 6.5 ? 500 : r(p) >= 9.5 ? 0 : double.NaN, 0.01, skipNaN: true);
    }

    [Theory]
    [InlineData(RenderMode.Mip, 100)]
    [InlineData(RenderMode.MinIp, -100)]
    [InlineData(RenderMode.Average, 0)]
    public void Project_LinearGradient_ExtremeOrMeanAlongRay(RenderMode mode, double alongRay)
    {
        // 5 per mm towards posterior (along the anterior view's rays) plus 2 per mm towards the head; the box spans ±20 mm.
        var volume = Phantom.Create(41, p => 5 * p.Y + 2 * p.Z);
        var camera = VolumeCamera.Anterior(volume.Geometry, 48, 48);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, mode));

        AssertEveryPixel(values, camera, p => alongRay + 2 * p.Z, 0.01);
    }

    [Fact]
    public void Project_ThinAxialMpr_ValueOfThePlaneAtEachPixel()
    {
        var volume = Phantom.Create(41, p => p.X + 2 * p.Y + 3 * p.Z);
        var camera = VolumeCamera.Axial(volume.Geometry, 48, 40).Moved(5);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Mip) { SlabThickness = 0 });

        // The image is wider than the 40 mm box (it fits the 40 mm height): NaN beside it.
        Assert.Equal(5, camera.Center.Z, 1e-9);
        AssertEveryPixel(values, camera, p => Math.Abs(p.X) <= 20 ? p.X + 2 * p.Y + 3 * p.Z : double.NaN, 0.01);
    }

    [Theory]
    [InlineData(RenderMode.Mip, 15)]
    [InlineData(RenderMode.MinIp, -15)]
    [InlineData(RenderMode.Average, 0)]
    public void Project_ThickAxialSlab_ProjectsOnlyTheSlab(RenderMode mode, double expected)
    {
        var volume = Phantom.Create(41, p => 3 * p.Z);
        var camera = VolumeCamera.Axial(volume.Geometry, 32, 32);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, mode) { SlabThickness = 10 });

        AssertEveryPixel(values, camera, _ => expected, 0.01);
    }

    [Fact]
    public void Project_ClipBox_OnlyTheBoxIsProjected()
    {
        // 3 per mm towards the head, 41 mm box: keeping slices 0.25–0.5 of the volume keeps z in [−10, 0].
        var volume = Phantom.Create(41, p => 3 * p.Z + 2 * p.X);
        var camera = VolumeCamera.Anterior(volume.Geometry, 41, 41);
        var clip = new ClipBox(new Vector3D(0, 0, 0.25), new Vector3D(0.5, 1, 0.5));

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Mip) { Clip = clip });

        // Columns run to the patient's left (+x), so x ≤ 0 is kept; every ray inside runs along y.
        AssertEveryPixel(values, camera, p => p.X <= 0.01 && p.Z is >= -10.01 and <= 0.01 ? 3 * p.Z + 2 * p.X : double.NaN, 0.01);
    }

    [Fact]
    public void Project_ClipPlane_CutsAwayTheSideTheNormalPointsTo()
    {
        // A posterior-facing plane 5 mm behind the centre, seen from the front: MIP of 5·y ends at the plane.
        var volume = Phantom.Create(41, p => 5 * p.Y);
        var camera = VolumeCamera.Anterior(volume.Geometry, 32, 32);
        var plane = new ClipPlane(new Vector3D(0, 5, 0), new Vector3D(0, 1, 0));

        var mip = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Mip) { Plane = plane, Step = 0.5 });
        var minIp = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.MinIp) { Plane = plane, Step = 0.5 });

        AssertEveryPixel(mip, camera, _ => 25, 0.01);
        AssertEveryPixel(minIp, camera, _ => -100, 0.01);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(-1, 1)]
    [InlineData(-1, -1)]
    public void Project_AnteriorView_PatientsLeftOnImageRightHeadUp(int rowSign, int columnSign)
    {
        // The same patient whichever way the columns and rows of the volume run.
        var blob = Phantom.Sphere(new Vector3D(10, 0, 8), 5, 1000, 0);
        var volume = Phantom.Create(32, blob, rowDirection: Phantom.Left * rowSign, columnDirection: Phantom.Posterior * columnSign);
        var camera = VolumeCamera.Anterior(volume.Geometry, 64, 64);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Mip));

        var brightest = Array.IndexOf(values, values.Max());
        Assert.True(brightest % 64 > 40, $"The patient's left blob should be on the image's right; it is at column {brightest % 64}.");
        Assert.True(brightest / 64 < 24, $"The blob above the centre should be in the upper half; it is at row {brightest / 64}.");
        Assert.Equal(1000, Phantom.At(values, camera, new Vector3D(10, 0, 8)), 0.01);
    }

    [Fact]
    public void Project_ObliqueVolumeWithNonSquarePixels_MprShowsSphereAtPhysicalSize()
    {
        // Columns 0.6 mm apart, rows 1.0 mm, slices 1.4 mm; rows turned 30° about the head–foot axis and tilted 20°.
        var degrees = Math.PI / 180;
        var row = new Vector3D(Math.Cos(30 * degrees), Math.Sin(30 * degrees), 0);
        var column = new Vector3D(-Math.Sin(30 * degrees) * Math.Cos(20 * degrees), Math.Cos(30 * degrees) * Math.Cos(20 * degrees), Math.Sin(20 * degrees));
        var volume = Phantom.Create(48, Phantom.Sphere(new Vector3D(0, 0, 0), 12, 1000, 0),
            columnSpacing: 0.6, rowSpacing: 1.0, sliceSpacing: 1.4, rowDirection: row, columnDirection: column);
        var camera = new VolumeCamera(new Vector3D(0, 0, 0), Phantom.Left, Phantom.Superior, 0.5, 64, 64);

        var values = CpuVolumeRenderer.Project(volume, new RenderRequest(camera, RenderMode.Average) { SlabThickness = 0 });

        // A disc of radius 12 mm = 24 pixels: area π·24², as wide as it is high.
        var inside = values.Count(v => v > 500);
        Assert.InRange(inside, Math.PI * 576 * 0.97, Math.PI * 576 * 1.03);
        var middleRow = Enumerable.Range(0, 64).Count(x => values[32 * 64 + x] > 500);
        var middleColumn = Enumerable.Range(0, 64).Count(y => values[y * 64 + 32] > 500);
        Assert.InRange(middleRow, 46, 50);
        Assert.InRange(middleColumn, 46, 50);
    }

    [Fact]
    public void Render_BoneSphereCtBone_ShadedDiscOnBlack()
    {
        var volume = Phantom.Create(40, Phantom.Sphere(new Vector3D(0, 0, 0), 12, 1000, -1000));
        var camera = VolumeCamera.Anterior(volume.Geometry, 64, 64);

        var image = CpuVolumeRenderer.Render(volume, new RenderRequest(camera, RenderMode.Dvr) { Preset = TransferFunction.CtBone });

        Assert.Equal(3, image.Channels);
        var (cx, cy) = Phantom.Pixel(camera, new Vector3D(0, 0, 0));
        var (rx, ry) = Phantom.Pixel(camera, new Vector3D(11, 0, 0));
        var centre = image.Pixels[(cy * 64 + cx) * 3];
        var rim = image.Pixels[(ry * 64 + rx) * 3];
        Assert.True(centre > 150, $"The sphere's centre faces the light and should be bright; red is {centre}.");
        Assert.True(rim < centre, $"The rim ({rim}) turns away from the light and should be darker than the centre ({centre}).");
        Assert.Equal([0, 0, 0], image.Pixels[..3]);
    }

    [Fact]
    public void Render_CellGradientForLightSamples_CloseToCentralDifferences()
    {
        // A soft-tissue body with CT-like noise (uniform ±20 HU, σ ≈ 12) around a bone; CT-Bone makes the body faintly opaque,
        // so rays composite many light samples.
        static double Noise(Vector3D p) =>
            ((((int)Math.Floor(p.X * 2) * 73856093) ^ ((int)Math.Floor(p.Y * 2) * 19349663) ^ ((int)Math.Floor(p.Z * 2) * 83492791)) & 0xFFFF) / 65535.0 * 40 - 20;
        var volume = Phantom.Create(48, p => p.Length < 6 ? 900 : p.X * p.X + p.Y * p.Y < 20 * 20 ? 40 + Noise(p) : -1000);
        var camera = VolumeCamera.Orbit(volume.Geometry, 35, 48, 48);
        var request = new RenderRequest(camera, RenderMode.Dvr) { Preset = TransferFunction.CtBone };

        var fast = CpuVolumeRenderer.Render(volume, request).Pixels;
        var reference = CpuVolumeRenderer.Render(volume, request with { CentralDifferenceWeight = 0 }).Pixels;

        var differences = fast.Zip(reference, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.NotEqual(reference, fast);
        // 5.9 on this phantom: white voxel noise makes the cell gradient (differences of neighbouring voxels) noisier than
        // central differences over two voxels, and the translucent body comes out brighter.
        Assert.True(differences.Average() <= 8, $"Mean difference {differences.Average():0.00} grey levels.");
    }

    // MIP/MinIP brick skipping runs in the kernels only: GpuVolumeRendererTests checks it against this renderer, which does not skip.
    [Theory]
    [InlineData("ct-bone")]
    [InlineData("ct-lung")]
    [InlineData("ct-angio")]
    public void Render_DvrEmptySpaceSkipping_SameImageAsWithout(string preset)
    {
        // Air, a body with a lung and a bone: most bricks are skippable for bone, air and lung.
        Func<Vector3D, double> ct = p =>
            (p - new Vector3D(5, 3, 2)).Length < 6 ? 900
            : (p - new Vector3D(-7, -2, -3)).Length < 6 ? -820
            : p.X * p.X + p.Y * p.Y < 15 * 15 ? 40 + 2 * p.Z
            : -1000;
        var volume = Phantom.Create(40, ct, sliceSpacing: 1.3);
        var unskippable = Phantom.Create(40, ct, sliceSpacing: 1.3);
        Array.Fill(unskippable.BrickRanges, 0x8000 | (short.MaxValue << 16));
        var request = new RenderRequest(VolumeCamera.Orbit(volume.Geometry, 20, 48, 48), RenderMode.Dvr)
        {
            Preset = TransferFunction.Presets.Single(p => p.Name == preset),
        };

        var skipped = CpuVolumeRenderer.Render(volume, request).Pixels;
        var full = CpuVolumeRenderer.Render(unskippable, request).Pixels;

        var worst = skipped.Zip(full, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1, $"Largest difference {worst} grey levels.");
        Assert.Contains(full, v => v > 40);
    }

    // NaN expected: a missed ray (NaN value), or with skipNaN a pixel not checked (on an edge).
    private static void AssertEveryPixel(float[] values, VolumeCamera camera, Func<Vector3D, double> expected, double tolerance, bool skipNaN = false)
    {
        for (var y = 0; y < camera.Height; y++)
        {
            for (var x = 0; x < camera.Width; x++)
            {
                var p = camera.Center + camera.Right * ((x - (camera.Width - 1) / 2.0) * camera.PixelSpacing)
                    - camera.Up * ((y - (camera.Height - 1) / 2.0) * camera.PixelSpacing);
                var value = values[y * camera.Width + x];
                if (skipNaN && double.IsNaN(expected(p)))
                {
                    continue;
                }
                Assert.True(double.IsNaN(expected(p)) ? float.IsNaN(value) : Math.Abs(value - expected(p)) <= tolerance, $"Pixel ({x}, {y}) at {p}: {value}, expected {expected(p)}.");
            }
        }
    }
}
