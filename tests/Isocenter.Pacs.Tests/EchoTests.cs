using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Isocenter.Pacs.Tests;

/// <summary>
/// <c>POST /api/dicom-nodes/{name}/echo</c> and <c>/api/dicom-nodes/echo</c> against real peers: Orthanc (every service,
/// a wrong called AE title, and one that knows no one), DCMTK storescp (storage only) and a closed port.
/// </summary>
[Collection(PacsCollection.Name)]
public sealed class EchoTests(PacsArchive archive) : IAsyncLifetime
{
    private readonly TestPeers _peers = new("isocenter-pacs-echo-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _peers.StopAsync();

    private async Task<JsonObject> EchoAsync(string aeTitle, int port, string retrieveMethod = "C-MOVE")
    {
        using var response = await archive.Client.PostAsJsonAsync("api/dicom-nodes/echo",
            new JsonObject { ["aeTitle"] = aeTitle, ["host"] = "127.0.0.1", ["port"] = port, ["retrieveMethod"] = retrieveMethod });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static void AssertServices(JsonObject result, bool echo, bool find, bool move, bool get) =>
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["echo"] = echo, ["find"] = find, ["move"] = move, ["get"] = get }, result["services"]), result.ToJsonString());

    [Fact]
    public async Task Echo_SavedOrthancNode_OkWithEveryService_WrongCalledAE_CalledAERejected()
    {
        var orthanc = archive.Hospital;

        using var response = await archive.Client.PostAsync($"api/dicom-nodes/{PacsArchive.HospitalNode}/echo", null);
        var ok = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var wrongAE = await EchoAsync("NOT-ORTHANC", orthanc.DicomPort);

        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.Null(ok["problem"]);
        Assert.StartsWith("Echo succeeded in ", ok["message"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertServices(ok, echo: true, find: true, move: true, get: true);
        Assert.False(wrongAE["ok"]!.GetValue<bool>());
        Assert.Equal("called-ae-rejected", wrongAE["problem"]!.GetValue<string>());
        Assert.Equal($"The peer at 127.0.0.1:{orthanc.DicomPort} does not answer to the AE title 'NOT-ORTHANC' (called AE title not recognized): check the node's AE title.",
            wrongAE["message"]!.GetValue<string>());
        AssertServices(wrongAE, echo: false, find: false, move: false, get: false);
    }

    [Fact]
    public async Task Echo_OrthancThatKnowsNoOne_CallingAERejected()
    {
        var orthanc = _peers.Add(await OrthancServer.StartAsync(settings: new Dictionary<string, object>
        {
            ["DicomAlwaysAllowEcho"] = false,
            ["DicomAlwaysAllowStore"] = false,
            ["DicomAlwaysAllowFind"] = false,
            ["DicomAlwaysAllowMove"] = false,
            ["DicomAlwaysAllowGet"] = false,
        }));

        var result = await EchoAsync("ORTHANC", orthanc.DicomPort);

        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("calling-ae-rejected", result["problem"]!.GetValue<string>());
        Assert.StartsWith("The peer does not accept our AE title 'ISOCENTER' (calling AE title not recognized): add ISOCENTER", result["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_ClosedPort_Refused()
    {
        var port = Dcmtk.FreePort();

        var result = await EchoAsync("ANY", port);

        Assert.False(result["ok"]!.GetValue<bool>());
        Assert.Equal("refused", result["problem"]!.GetValue<string>());
        Assert.Equal($"Nothing accepts connections at 127.0.0.1:{port} (connection refused): check the node's host and port, and that the PACS is running.",
            result["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Echo_Storescp_OkButNoFindNorGet_MessageSaysSetCMove()
    {
        var storescp = _peers.Add(await Storescp.StartAsync(_peers.Folder));
        var port = storescp.Port;

        var result = await EchoAsync("STORESCP", port, retrieveMethod: "C-GET");

        Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
        Assert.Null(result["problem"]);
        AssertServices(result, echo: true, find: false, move: false, get: false);
        Assert.StartsWith("Echo succeeded, but the peer does not support C-GET", result["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("cannot be queried", result["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Echo_InvalidNode_400()
    {
        using var response = await archive.Client.PostAsJsonAsync("api/dicom-nodes/echo", new JsonObject { ["aeTitle"] = "ORTHANC", ["host"] = "127.0.0.1", ["port"] = 0 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["port"]);
    }
}
