using Isocenter.Dicom.Imaging.Codecs.Native;

namespace Isocenter.Dicom.Imaging.Tests.Codecs;

public sealed class NativeCodecLibraryTests
{
    [Theory]
    [InlineData(NativeCodecLibrary.TurboJpeg)]
    [InlineData(NativeCodecLibrary.CharLS)]
    [InlineData(NativeCodecLibrary.OpenJpeg)]
    public void IsAvailable_DebianPackageInstalled_True(string library)
    {
        // dev.sh installs libturbojpeg0, libcharls2 and libopenjp2-7: the codecs' tests need them.
        Assert.True(NativeCodecLibrary.IsAvailable(library));
    }

    [Theory]
    [InlineData(NativeCodecLibrary.TurboJpeg, "libturbojpeg0")]
    [InlineData(NativeCodecLibrary.CharLS, "libcharls2")]
    [InlineData(NativeCodecLibrary.OpenJpeg, "libopenjp2-7")]
    public void Missing_AnyLibrary_NamesDebianPackage(string library, string package)
    {
        var error = NativeCodecLibrary.Missing(library, DicomTransferSyntax.JPEGBaseline8Bit);

        Assert.Contains($"install the Debian package {package}", error.Message, StringComparison.Ordinal);
    }
}
