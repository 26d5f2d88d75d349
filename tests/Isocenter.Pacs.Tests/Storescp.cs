using System.Diagnostics;
using System.Globalization;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Pacs.Tests;

/// <summary>DCMTK storescp (AE title STORESCP) on a free loopback port, writing into a folder: a peer that only stores.</summary>
public sealed class Storescp : IAsyncDisposable
{
    private readonly Process _process;

    private Storescp(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>Its DIMSE port.</summary>
    public int Port { get; }

    /// <summary>Starts it and waits until it answers C-ECHO.</summary>
    public static async Task<Storescp> StartAsync(string folder)
    {
        var port = Dcmtk.FreePort();
        var process = Dcmtk.Start("storescp", ["-aet", "STORESCP", "-od", folder, port.ToString(CultureInfo.InvariantCulture)]);
        _ = process.StandardOutput.ReadToEndAsync(); // drained so storescp never blocks on a full pipe
        _ = process.StandardError.ReadToEndAsync();
        var storescp = new Storescp(process, port);
        try
        {
            await Dcmtk.WaitForEchoAsync(new DicomClient("127.0.0.1", port, new DicomClientOptions { CalledAETitle = "STORESCP" }), process, () => "storescp exited");
        }
        catch
        {
            await storescp.DisposeAsync();
            throw;
        }
        return storescp;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
