using Isocenter.Cli.Anonymize;
using Isocenter.Cli.Demo;
using Isocenter.Cli.Dump;
using Isocenter.Cli.Echo;
using Isocenter.Cli.Find;
using Isocenter.Cli.Listen;
using Isocenter.Cli.Render;
using Isocenter.Cli.Retrieve;
using Isocenter.Cli.Send;
using Isocenter.Cli.Thumbnail;
using Isocenter.Cli.Transcode;
using Isocenter.Cli.Validate;
using Isocenter.Cli.Volume;
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
      render FILE [--frame N] [--window C,W|minmax|percentile] [--size WxH] --out X.png|X.jpg
                             render a frame (1-based) through the display pipeline to PNG or JPEG
      volume PATH... [--raw OUT]
                             assemble a series (files or folders) into a 3D volume and print its geometry
      transcode FILE --ts UID|KEYWORD [--quality N] [--near N] [--ratio R] --out FILE
                             write FILE in another transfer syntax (explicit, implicit, rle, jpeg,
                             jpeg-lossless, jpeg-ls, jpeg-ls-near, j2k-lossless, j2k)
      demo --out DIR         write synthetic CT studies
      anonymize IN OUT [--keep-dates] [--keep-patient-characteristics] [--keep-device] [--keep-institution]
                       [--keep-uids] [--clean-descriptors] [--secret-file F]
                             de-identify a file or a folder (PS3.15 Basic Profile and options) into OUT
      thumbnail --store DIR (--study UID --series UID | --import PATH...)
                             write series thumbnails into a filesystem object store, as the thumbnail service does
      echo [--aet A] [--called B] HOST PORT          C-ECHO a DICOM peer
      send [--aet A] [--called B] HOST PORT PATH...  C-STORE files and folders to a peer
                             (echo, send, find, move, get: --tls, or --tls-ca CERT to trust CERT, for TLS)
      listen --port N --aet A --out DIR [--tls-cert CERT --tls-key KEY]
                             receive C-STORE into DIR until Ctrl+C (over TLS with a certificate)
      find [--aet A] [--called B] [--study|--patient] [--json] HOST PORT -k Key[=Value]...
                             C-FIND a peer; print each match (dcmdump layout, or DICOM JSON lines)
      move [--aet A] [--called B] [--study|--patient] --dest AE HOST PORT -k Key=Value...
                             C-MOVE: the peer sends the matching instances to AE
      get [--aet A] [--called B] [--study|--patient] --out DIR HOST PORT -k Key=Value...
                             C-GET the matching instances into DIR as <SOP Instance UID>.dcm
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});
try
{
    return args[0] switch
    {
        "dump" when args.Length > 1 => DumpCommand.Run(args[1..], Console.Out),
        "json" when args.Length == 2 => WriteJson(args[1]),
        "xml" when args.Length == 2 => WriteXml(args[1]),
        "validate" when args.Length > 1 => ValidateCommand.Run(args[1..], Console.Out),
        "demo" => DemoCommand.Run(args[1..]),
        "anonymize" => AnonymizeCommand.Run(args[1..]),
        "render" => RenderCommand.Run(args[1..]),
        "volume" when args.Length > 1 => VolumeCommand.Run(args[1..], Console.Out, stop.Token),

        "thumbnail" => await ThumbnailCommand.RunAsync(args[1..], Console.Out, stop.Token),
        "transcode" => TranscodeCommand.Run(args[1..]),
        "echo" => await EchoCommand.RunAsync(args[1..], Console.Out, stop.Token),
        "send" => await SendCommand.RunAsync(args[1..], Console.Out, stop.Token),
        "listen" => await ListenCommand.RunAsync(args[1..], Console.Out, stop.Token),
        "find" => await FindCommand.RunAsync(args[1..], Console.Out, stop.Token),
        "move" => await RetrieveCommand.MoveAsync(args[1..], Console.Out, stop.Token),
        "get" => await RetrieveCommand.GetAsync(args[1..], Console.Out, stop.Token),
        _ => Fail($"unknown command or missing argument: '{string.Join(' ', args)}'\n{Usage}"),
    };
}
catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or OperationCanceledException or NotSupportedException)
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
