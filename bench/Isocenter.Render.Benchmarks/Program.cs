using System.Globalization;
using Isocenter.Render.Benchmarks;

// frames [size] [image] [frames] [cpu-frames]   — GPU vs CPU frame times (defaults: 512 1024 100 3)
// groups [size] [image] [frames]               — GPU times of DVR and MIP per thread-group shape (defaults: 512 1024 50)
// pictures SERIES-DIR OUT-DIR [image]          — preset PNGs of a series (default 256)
int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
switch (args.FirstOrDefault())
{
    case "pictures" when args.Length >= 3:
        Pictures.Run(args[1], args[2], Arg(3, 256));
        return 0;
    case "groups":
        FrameBenchmark.CompareGroups(Arg(1, 512), Arg(2, 1024), Arg(3, 50));
        return 0;
    case null or "frames":
        FrameBenchmark.Run(Arg(1, 512), Arg(2, 1024), Arg(3, 100), Arg(4, 3));
        return 0;
    default:
        Console.Error.WriteLine("usage: frames [size] [image] [frames] [cpu-frames] | groups [size] [image] [frames] | pictures SERIES-DIR OUT-DIR [image]");
        return 2;
}
