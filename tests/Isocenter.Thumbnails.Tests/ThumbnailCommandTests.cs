using Isocenter.Cli.Demo;
using Isocenter.Cli.Thumbnail;
using Isocenter.Dicom;
using Isocenter.Testing;

namespace Isocenter.Thumbnails.Tests;

public sealed class ThumbnailCommandTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "isocenter-thumbnail-cli-" + Guid.NewGuid().ToString("N"));

    public ThumbnailCommandTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task RunAsync_ImportThenSeries_WritesTheSameJpegBothWays()
    {
        var demo = Path.Combine(_folder, "demo");
        var store = Path.Combine(_folder, "store");
        var generator = new SyntheticCtGenerator(new SyntheticCtOptions { Slices = 3, Size = 300 });
        DicomDataset? first = null;
        foreach (var instance in generator.Generate())
        {
            var path = Path.Combine(demo, instance.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            new DicomFile(instance.Dataset).Save(path);
            first ??= instance.Dataset;
        }
        File.WriteAllText(Path.Combine(demo, "README.txt"), "not DICOM");
        var (study, series) = (first!.GetString(DicomTag.StudyInstanceUID)!, first.GetString(DicomTag.SeriesInstanceUID)!);
        var thumbnail = Path.Combine(store, "thumbnails", study, series + ".jpg");
        using var output = new StringWriter();

        Assert.Equal(0, await ThumbnailCommand.RunAsync(["--store", store, "--import", demo], output, CancellationToken.None));
        var imported = await File.ReadAllBytesAsync(thumbnail);
        Assert.Equal(0, await ThumbnailCommand.RunAsync(["--store", store, "--study", study, "--series", series], output, CancellationToken.None));

        Assert.Equal(imported, await File.ReadAllBytesAsync(thumbnail));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(store, "instances", study, series)).Length);
        Assert.Contains("put 3 instances of 1 series", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("skipped ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(": 256x256, ", output.ToString(), StringComparison.Ordinal);
        var image = Djpeg.Decode(imported);
        Assert.Equal((256, 256), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("--store", "x")]
    [InlineData("--store", "x", "--study", "1.2")]
    [InlineData("--store", "x", "--study", "../etc", "--series", "1.2")]
    [InlineData("--study", "1.2", "--series", "1.2")]
    public async Task RunAsync_MissingOrInvalidArguments_ExitsWithUsage(params string[] args) =>
        Assert.Equal(2, await ThumbnailCommand.RunAsync(args, TextWriter.Null, CancellationToken.None));
}
