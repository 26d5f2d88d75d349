using Isocenter.Cli.Demo;
using Isocenter.Dicom;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Frames;
using Isocenter.Dicom.Imaging.Rendering;

namespace Isocenter.Thumbnails.Tests;

public class ThumbnailWindowTests
{
    [Fact]
    public void Choose_DatasetWithWindow_TakesItsFirstWindow() =>
        Assert.Equal(new VoiWindow(600, 1600), Choose(DicomFile.Open(Path.Combine(Peers.Corpus, "MR_small.dcm"))));

    [Fact]
    public void Choose_CtWithoutWindow_TakesSoftTissue() =>
        Assert.Equal(ThumbnailWindow.SoftTissue, Choose(DicomFile.Open(Path.Combine(Peers.Corpus, "CT_small.dcm"))));

    [Fact]
    public void Choose_MrWithoutWindow_LeavesOutTheExtremePercent()
    {
        var file = DicomFile.Open(Path.Combine(Peers.Corpus, "MR_small.dcm"));
        file.Dataset.Remove(DicomTag.WindowCenter);
        file.Dataset.Remove(DicomTag.WindowWidth);
        var pixelData = DicomPixelData.Create(file);
        var frame = pixelData.GetNativeFrame(0);

        Assert.Equal(DicomRenderer.PercentileWindow(pixelData, frame, percent: 1), ThumbnailWindow.Choose(pixelData, frame));
    }

    [Fact]
    public void Choose_Colour_TakesNoWindow() =>
        Assert.Null(Choose(DicomFile.Open(Path.Combine(Peers.Corpus, "SC_rgb_rle_2frame.dcm"))));

    [Fact]
    public void ApplyFunctionalGroups_EnhancedCt_BringsTheFrameRescaleAndWindowToTheTopLevel()
    {
        var volume = new SyntheticCtGenerator(new SyntheticCtOptions { Size = 16 }).CreateVolume(frames: 3);

        ThumbnailWindow.ApplyFunctionalGroups(volume, frame: 1);

        Assert.Equal("-1024", volume.GetString(DicomTag.RescaleIntercept));
        Assert.Equal(new VoiWindow(40, 400), DicomRenderer.DatasetWindow(volume));
    }

    private static VoiWindow? Choose(DicomFile file)
    {
        var pixelData = DicomPixelData.Create(file);
        return ThumbnailWindow.Choose(pixelData, DicomCodecRegistry.CreateDefault().GetFrame(pixelData, 0));
    }
}
