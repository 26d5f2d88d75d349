using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Thumbnails.Tests;

public class ThumbnailScalerTests
{
    [Theory]
    [InlineData(512, 512, 1, 256, 256)]
    [InlineData(640, 480, 3, 256, 192)]
    [InlineData(300, 1000, 1, 77, 256)]
    [InlineData(4096, 1, 1, 256, 1)]
    [InlineData(100, 60, 3, 100, 60)]
    [InlineData(256, 10, 1, 256, 10)]
    public void Fit_Image_KeepsTheAspectWithinTheLimitAndNeverEnlarges(int width, int height, int channels, int expectedWidth, int expectedHeight)
    {
        var scaled = ThumbnailScaler.Fit(new RenderedImage(width, height, channels, new byte[width * height * channels]), 256);

        Assert.Equal((expectedWidth, expectedHeight, channels), (scaled.Width, scaled.Height, scaled.Channels));
        Assert.Equal(expectedWidth * expectedHeight * channels, scaled.Pixels.Length);
    }

    [Fact]
    public void Fit_Checkerboard_AveragesEachCoveredArea()
    {
        var pixels = new byte[512 * 512];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(((i % 512) + (i / 512)) % 2 * 200);
        }

        var scaled = ThumbnailScaler.Fit(new RenderedImage(512, 512, 1, pixels), 256);

        Assert.All(scaled.Pixels, p => Assert.Equal(100, p));
    }

    [Fact]
    public void Fit_NonIntegerRatio_KeepsAUniformImageUniformAndEdgesInPlace()
    {
        // Left half 0, right half 255 (RGB): the scaled image is 0 left of the middle, 255 right of it, one blended column at most.
        var pixels = new byte[700 * 300 * 3];
        for (var i = 0; i < 700 * 300; i++)
        {
            pixels.AsSpan(i * 3, 3).Fill(i % 700 < 350 ? (byte)0 : (byte)255);
        }

        var scaled = ThumbnailScaler.Fit(new RenderedImage(700, 300, 3, pixels), 256);

        Assert.Equal((256, 110), (scaled.Width, scaled.Height));
        for (var x = 0; x < 256; x++)
        {
            var column = Enumerable.Range(0, 110).Select(y => scaled.Pixels[(y * 256 + x) * 3]).Distinct().Single();
            Assert.Equal(x < 128 ? 0 : 255, column);
        }
    }
}
