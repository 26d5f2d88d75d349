using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit;

namespace Isocenter.Testing;

/// <summary>An image as <c>djpeg</c> (libjpeg-turbo-progs) decodes it: 1 channel (PGM) or 3 (PPM).</summary>
public sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels)
{
    /// <summary>Standard deviation of all samples: a blank, black or flat grey image has (nearly) none.</summary>
    public double Spread
    {
        get
        {
            var mean = Pixels.Average(p => (double)p);
            return Math.Sqrt(Pixels.Average(p => (p - mean) * (p - mean)));
        }
    }

    /// <summary>Distinct grey levels (or sample values) present.</summary>
    public int Levels => Pixels.Distinct().Count();
}

/// <summary>libjpeg-turbo's <c>djpeg</c> (Debian libjpeg-turbo-progs), the peer JPEG output is checked against.</summary>
public static class Djpeg
{
    /// <summary>Decodes JPEG bytes with libjpeg-turbo's <c>djpeg</c>; the test fails (never skips) when it is missing or refuses them.</summary>
    public static DecodedImage Decode(byte[] jpeg)
    {
        var start = new ProcessStartInfo("djpeg", "-pnm") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("djpeg could not start (Debian package libjpeg-turbo-progs)");
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(jpeg);
        process.StandardInput.Close();
        copy.Wait();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"djpeg exited with {process.ExitCode}: {errors.Result}");
        return ReadPnm(output.ToArray());
    }

    // P5/P6 with maxval 255: "P5\n<w> <h>\n255\n" then the samples.
    private static DecodedImage ReadPnm(byte[] pnm)
    {
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)pnm[at]))
            {
                at++;
            }
            var start = at;
            while (!char.IsWhiteSpace((char)pnm[at]))
            {
                at++;
            }
            fields.Add(Encoding.ASCII.GetString(pnm, start, at - start));
        }
        at++;
        var channels = fields[0] switch { "P5" => 1, "P6" => 3, var magic => throw new InvalidDataException(magic) };
        var (width, height) = (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        Assert.Equal("255", fields[3]);
        Assert.Equal(width * height * channels, pnm.Length - at);
        return new DecodedImage(width, height, channels, pnm[at..]);
    }
}
