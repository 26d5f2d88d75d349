using Isocenter.Contracts.Storage;
using Isocenter.Contracts.Thumbnails;
using Isocenter.Dicom;
using Isocenter.ObjectStore;
using Isocenter.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Logging;

namespace Isocenter.Thumbnails.Tests;

public sealed class SeriesStableConsumerTests : IAsyncLifetime
{
    private readonly ThumbnailHarness _harness = new();

    public Task InitializeAsync() => _harness.InitializeAsync();

    public Task DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Consume_DemoCtSeries_WritesA256PixelJpegOfTheMiddleSliceThatIsNotBlank()
    {
        var series = await _harness.PutDemoSeriesAsync(slices: 9, size: 384);

        await _harness.PublishSeriesStableAsync(series[0], series.Count);

        var image = Djpeg.Decode((await _harness.ThumbnailAsync(series[0]))!);
        Assert.Equal((256, 256, 1), (image.Width, image.Height, image.Channels));
        Assert.True(image.Spread > 40 && image.Levels > 100, $"a flat thumbnail: spread {image.Spread:F1}, {image.Levels} levels");
        var middle = ObjectKeys.Instance(series[4].GetString(DicomTag.StudyInstanceUID)!, series[4].GetString(DicomTag.SeriesInstanceUID)!, series[4].GetString(DicomTag.SOPInstanceUID)!);
        Assert.Contains(_harness.Logs, l => l.Level == LogLevel.Information && l.Message.Contains($"from {middle} frame 1, chosen among 9 instances", StringComparison.Ordinal));
        var (study, seriesUid) = (series[0].GetString(DicomTag.StudyInstanceUID)!, series[0].GetString(DicomTag.SeriesInstanceUID)!);
        var written = (await AsyncEnumerable.FirstAsync(_harness.Bus.Published.SelectAsync<ThumbnailWritten>())).Context.Message;
        Assert.Equal((study, seriesUid, ObjectKeys.SeriesThumbnail(study, seriesUid)), (written.StudyInstanceUid, written.SeriesInstanceUid, written.ObjectKey));
    }

    [Fact]
    public async Task Consume_RedeliveredAndConcurrentDuplicates_WriteIdenticalBytes()
    {
        var series = await _harness.PutDemoSeriesAsync(slices: 3, size: 300);
        await _harness.PublishSeriesStableAsync(series[0], series.Count);
        var first = await _harness.ThumbnailAsync(series[0]);

        var message = new SeriesStable(series[0].GetString(DicomTag.StudyInstanceUID)!, series[0].GetString(DicomTag.SeriesInstanceUID)!, 3, DateTimeOffset.UnixEpoch);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _harness.Bus.Bus.Publish(message)));

        var consumed = await AsyncEnumerable.Take(_harness.Bus.GetConsumerHarness<SeriesStableConsumer>().Consumed.SelectAsync<SeriesStable>(), 4).ToListAsync();
        Assert.Equal(4, consumed.Count);
        Assert.All(consumed, c => Assert.Null(c.Exception));
        Assert.Equal(first, await _harness.ThumbnailAsync(series[0]));
        Assert.Equal(["thumbnails/"], _harness.Store.ListAsync("thumbnails/", CancellationToken.None).ToBlockingEnumerable().Select(o => o.Key[..11]).Distinct());
    }

    [Fact]
    public async Task Consume_UndecodableMiddleInstance_LogsAnErrorNamingItAndFaultsWithoutRetrying()
    {
        var series = await _harness.PutDemoSeriesAsync(slices: 5, size: 64);
        var broken = series[2];
        // RLE pixel data whose header announces 1 segment where 16-bit grey needs 2.
        var rle = new byte[200];
        rle[0] = 1;
        rle[4] = 64;
        broken.Add(new DicomFragmentSequence(DicomTag.PixelData, DicomVR.OB, DicomBuffer.Empty, DicomBuffer.FromBytes(rle)));
        var brokenKey = await _harness.PutAsync(broken, DicomTransferSyntax.RLELossless);
        var prefix = brokenKey[..(brokenKey.LastIndexOf('/') + 1)];
        await _harness.Store.PutAsync(prefix + "1.2.3.dcm", new MemoryStream(new byte[300]), CancellationToken.None); // not DICOM: skipped

        await _harness.PublishSeriesStableAsync(broken, series.Count + 1);

        var fault = (await AsyncEnumerable.FirstAsync(_harness.Bus.Published.SelectAsync<Fault<SeriesStable>>())).Context.Message;
        Assert.Contains($"{brokenKey}: frame 1 cannot be rendered", fault.Exceptions[0].Message, StringComparison.Ordinal);
        // The fault is published after the last attempt, and each attempt logs this error: one means no retry.
        Assert.Single(_harness.Logs, l => l.Level == LogLevel.Error && l.Message.Contains(brokenKey, StringComparison.Ordinal) && l.Message.Contains("error queue", StringComparison.Ordinal));
        Assert.Contains(_harness.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains(prefix + "1.2.3.dcm", StringComparison.Ordinal));
        Assert.Null(await _harness.ThumbnailAsync(broken));
    }

    [Fact]
    public async Task Consume_MrSeriesNativeRleAndJpegLS_WritesTheMrImageWithItsWindow()
    {
        var (study, seriesUid) = (DicomUid.Generate(), DicomUid.Generate());
        DicomDataset? last = null;
        var number = 0;
        foreach (var name in new[] { "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm" })
        {
            var file = DicomFile.Open(Path.Combine(Peers.Corpus, name));
            last = file.Dataset.Set(DicomTag.StudyInstanceUID, study).Set(DicomTag.SeriesInstanceUID, seriesUid)
                .Set(DicomTag.SOPInstanceUID, DicomUid.Generate()).Set(DicomTag.InstanceNumber, (++number).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await _harness.PutAsync(last, file.TransferSyntax);
        }

        await _harness.PublishSeriesStableAsync(last!, 3);

        var image = Djpeg.Decode((await _harness.ThumbnailAsync(last!))!);
        Assert.Equal((64, 64, 1), (image.Width, image.Height, image.Channels));
        Assert.True(image.Spread > 20 && image.Levels > 50, $"a flat thumbnail: spread {image.Spread:F1}, {image.Levels} levels");
    }

    [Fact]
    public async Task Consume_RgbRleTwoFrames_WritesTheSecondFrameInColour()
    {
        var file = DicomFile.Open(Path.Combine(Peers.Corpus, "SC_rgb_rle_2frame.dcm"));
        file.Dataset.Set(DicomTag.StudyInstanceUID, DicomUid.Generate()).Set(DicomTag.SeriesInstanceUID, DicomUid.Generate());
        await _harness.PutAsync(file.Dataset, file.TransferSyntax);

        await _harness.PublishSeriesStableAsync(file.Dataset, 1);

        var image = Djpeg.Decode((await _harness.ThumbnailAsync(file.Dataset))!);
        Assert.Equal((100, 100, 3), (image.Width, image.Height, image.Channels));
        var saturated = Enumerable.Range(0, image.Width * image.Height)
            .Count(p => image.Pixels.AsSpan(p * 3, 3).ToArray() is var rgb && rgb.Max() - rgb.Min() > 100);
        Assert.True(saturated > 5000, $"{saturated} colourful pixels");
        Assert.Contains(_harness.Logs, l => l.Message.Contains(" frame 2, chosen among 1 instances", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Consume_EnhancedCtVolume_RendersTheMiddleFrameWithItsFunctionalGroupWindow()
    {
        var volume = new Cli.Demo.SyntheticCtGenerator(new Cli.Demo.SyntheticCtOptions { Size = 128 }).CreateVolume(frames: 9);
        await _harness.PutAsync(volume);

        await _harness.PublishSeriesStableAsync(volume, 1);

        var image = Djpeg.Decode((await _harness.ThumbnailAsync(volume))!);
        Assert.Equal((128, 128, 1), (image.Width, image.Height, image.Channels));
        Assert.True(image.Spread > 40 && image.Levels > 60, $"a flat thumbnail: spread {image.Spread:F1}, {image.Levels} levels");
        Assert.Contains(_harness.Logs, l => l.Message.Contains(" frame 5, chosen among 1 instances", StringComparison.Ordinal));
    }
}
