using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Isocenter.Dicom.Imaging.Codecs.Native;

/// <summary>
/// Loads the C libraries behind the native codecs by their Debian sonames. P/Invoke declarations name a library by the
/// constants below; a resolver registered once for this assembly maps them to a handle from
/// <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>. Call <see cref="Require"/> before the first call into a library:
/// when it is absent, decoding fails with a <see cref="DicomDataException"/> naming the Debian package to install.
/// </summary>
internal static class NativeCodecLibrary
{
    public const string TurboJpeg = "turbojpeg";
    public const string CharLS = "charls";
    public const string OpenJpeg = "openjp2";

    private static readonly Dictionary<string, (string[] Candidates, string Package)> Known = new(StringComparer.Ordinal)
    {
        [TurboJpeg] = (["libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.dylib", "turbojpeg.dll"], "libturbojpeg0"),
        [CharLS] = (["libcharls.so.2", "libcharls.so", "libcharls.dylib", "charls-2-x64.dll"], "libcharls2"),
        [OpenJpeg] = (["libopenjp2.so.7", "libopenjp2.so", "libopenjp2.dylib", "openjp2.dll"], "libopenjp2-7"),
    };

    private static readonly ConcurrentDictionary<string, IntPtr> Handles = new(StringComparer.Ordinal);

    static NativeCodecLibrary()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeCodecLibrary).Assembly, Resolve);
    }

    /// <summary>Whether <paramref name="library"/> (one of the constants) can be loaded.</summary>
    public static bool IsAvailable(string library) => Load(library) != IntPtr.Zero;

    /// <summary>Loads <paramref name="library"/>, or throws a <see cref="DicomDataException"/> naming its Debian package.</summary>
    public static void Require(string library, DicomTransferSyntax transferSyntax)
    {
        if (Load(library) == IntPtr.Zero)
        {
            throw Missing(library, transferSyntax);
        }
    }

    /// <summary>The error when <paramref name="library"/> cannot be loaded: it names the Debian package that provides it.</summary>
    internal static DicomDataException Missing(string library, DicomTransferSyntax transferSyntax)
    {
        var (candidates, package) = Known[library];
        return new DicomDataException(
            $"Decoding {transferSyntax.Name} needs the native library {candidates[0]}, which could not be loaded: install the Debian package {package} (apt-get install {package}).");
    }

    private static IntPtr Load(string library) => Handles.GetOrAdd(library, static name =>
    {
        foreach (var candidate in Known[name].Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }
        return IntPtr.Zero;
    });

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Known.ContainsKey(libraryName) ? Load(libraryName) : IntPtr.Zero;
}
