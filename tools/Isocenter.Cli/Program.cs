using Isocenter.Cli.Demo;
using Isocenter.Cli.Dump;
using Isocenter.Cli.Render;
using Isocenter.Cli.Validate;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Xml;

// isocenter COMMAND [ARGS]: DCMTK-like commands over the Isocenter DICOM toolkit.
const string Usage = """
    usage: isocenter COMMAND [ARGS]
      dump FILE...           print the file meta information and dataset (dcmdump layout)
      json FILE              print the dataset as DICOM JSON (PS3.18 Annex F)
      xml FILE               print the dataset as Native DICOM Model XML (PS3.19)
      validate FILE...       check files against the standard; exit 1 if any has errors
      render FILE [--frame N] [--window C,W|minmax|percentile] --out X.png
                             render a frame (1-based) through the display pipeline to PNG
      demo --out DIR         write synthetic CT studies
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
try
{
    return args[0] switch
    {
        "dump" when args.Length > 1 => DumpCommand.Run(args[1..], Console.Out),
        "json" when args.Length == 2 => WriteJson(args[1]),
        "xml" when args.Length == 2 => WriteXml(args[1]),
        "validate" when args.Length > 1 => ValidateCommand.Run(args[1..], Console.Out),
        "demo" => DemoCommand.Run(args[1..]),
        "render" => RenderCommand.Run(args[1..]),
        _ => Fail($"unknown command or missing argument: '{string.Join(' ', args)}'\n{Usage}"),
    };
}
catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException or NotSupportedException)
{
    return Fail(e.Message);
}

static int WriteJson(string path)
{
    using var stdout = Console.OpenStandardOutput();
    DicomJson.Serialize(DicomFile.Open(path).Dataset, stdout, new DicomJsonOptions { WriteIndented = true });
    Console.WriteLine();
    return 0;
}

static int WriteXml(string path)
{
    using var stdout = Console.OpenStandardOutput();
    DicomXml.Serialize(DicomFile.Open(path).Dataset, stdout, new DicomXmlOptions { WriteIndented = true });
    Console.WriteLine();
    return 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine($"isocenter: {message}");
    return 2;
}
