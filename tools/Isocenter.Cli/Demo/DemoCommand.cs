using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom;

namespace Isocenter.Cli.Demo;

/// <summary><c>isocenter demo</c>: writes synthetic CT studies (see <see cref="SyntheticCtGenerator"/>) to a folder.</summary>
internal static class DemoCommand
{
    public const string Usage = """
        usage: isocenter demo --out DIR [--patients N] [--studies K] [--series S] [--slices M] [--size PIXELS] [--seed S] [--bits-stored B] [--id-prefix P]

        Writes synthetic CT studies (N patients × K studies × S axial series of M slices, a torso phantom in Hounsfield
        units) as DIR/<PatientID>/STUDY<k>/SERIES<s>/<InstanceNumber>.dcm, Explicit VR Little Endian.
          --patients N      patients (default 1)
          --studies K       studies per patient, each a prior 90 days before the next (default 1)
          --series S        axial series per study (default 1)
          --slices M        slices per series, covering 400 mm of trunk (default 100)
          --size PIXELS     rows and columns (default 512)
          --seed S          names, dates and noise are the same for the same seed; UIDs are new on each run (default 1)
          --bits-stored B   12 to 16 (default 12)
          --id-prefix P     Patient IDs are P00001, P00002… (default ISO; up to 11 characters)
        """;

    /// <summary>Runs the command with the arguments after <c>demo</c>; returns the exit code.</summary>
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (!TryParse(args, out var outDir, out var options, out var error))
        {
            Console.Error.WriteLine("isocenter demo: " + error);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var generator = new SyntheticCtGenerator(options);
        var total = generator.InstanceCount;
        var reportEvery = Math.Max(1, total / 20);
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        var written = 0;
        foreach (var instance in generator.Generate())
        {
            var path = Path.Combine(outDir, instance.RelativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            new DicomFile(instance.Dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(path);
            bytes += new FileInfo(path).Length;
            written++;
            if (written % reportEvery == 0 || written == total)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"written {written}/{total} instances"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{total} instances of {options.Patients} patient(s) × {options.Studies} study(ies) × {options.Series} series, {bytes / 1e6:F1} MB, in {clock.Elapsed.TotalSeconds:F1} s: {Path.GetFullPath(outDir)}"));
        return 0;
    }

    private static bool TryParse(string[] args, out string outDir, out SyntheticCtOptions options, out string error)
    {
        outDir = "";
        options = new SyntheticCtOptions();
        error = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length)
            {
                error = $"'{args[i]}' needs a value.";
                return false;
            }
            var value = args[++i];
            switch (args[i - 1])
            {
                case "--out":
                    outDir = value;
                    continue;
                case "--patients" when TryInt(value, 1, 100_000, out var n):
                    options = options with { Patients = n };
                    continue;
                case "--studies" when TryInt(value, 1, 1000, out var n):
                    options = options with { Studies = n };
                    continue;
                case "--series" when TryInt(value, 1, 1000, out var n):
                    options = options with { Series = n };
                    continue;
                case "--slices" when TryInt(value, 1, 100_000, out var n):
                    options = options with { Slices = n };
                    continue;
                case "--size" when TryInt(value, 16, 4096, out var n):
                    options = options with { Size = n };
                    continue;
                case "--seed" when TryInt(value, int.MinValue, int.MaxValue, out var n):
                    options = options with { Seed = n };
                    continue;
                case "--bits-stored" when TryInt(value, 12, 16, out var n):
                    options = options with { BitsStored = n };
                    continue;
                case "--id-prefix" when value.Length is > 0 and <= 11 && value.All(char.IsAsciiLetterOrDigit):
                    options = options with { PatientIdPrefix = value };
                    continue;
                case "--id-prefix":
                    error = $"'{value}' is not a valid value for --id-prefix (1 to 11 letters or digits).";
                    return false;
                case "--patients" or "--studies" or "--series" or "--slices" or "--size" or "--seed" or "--bits-stored":
                    error = $"'{value}' is not a valid value for {args[i - 1]}.";
                    return false;
                default:
                    error = $"unknown option '{args[i - 1]}'.";
                    return false;
            }
        }
        if (outDir.Length == 0)
        {
            error = "--out DIR is required.";
            return false;
        }
        return true;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
