using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Isocenter.Pacs.Tests;

/// <summary>The registry of DICOM nodes: <c>/api/dicom-nodes</c>.</summary>
[Collection(PacsCollection.Name)]
public sealed class NodeTests(PacsArchive archive)
{
    [Fact]
    public async Task Put_Get_Replace_List_Delete()
    {
        var node = new JsonObject
        {
            ["aeTitle"] = "ORTHANC",
            ["host"] = "127.0.0.1",
            ["port"] = 4242,
            ["retrieveMethod"] = "C-GET",
            ["storeTo"] = true,
            ["description"] = "the hospital's PACS",
        };

        using var created = await archive.Client.PutAsJsonAsync("api/dicom-nodes/CRUD-1", node);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/dicom-nodes/CRUD-1", created.Headers.Location?.OriginalString);
        var stored = await archive.Client.GetFromJsonAsync<JsonObject>("api/dicom-nodes/CRUD-1");
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["name"] = "CRUD-1",
            ["aeTitle"] = "ORTHANC",
            ["host"] = "127.0.0.1",
            ["port"] = 4242,
            ["query"] = true,
            ["retrieveMethod"] = "C-GET",
            ["storeTo"] = true,
            ["storeFrom"] = false,
            ["tls"] = false,
            ["description"] = "the hospital's PACS",
        }, stored), stored?.ToJsonString());

        node["name"] = "CRUD-1";
        node["port"] = 104;
        using var replaced = await archive.Client.PutAsJsonAsync("api/dicom-nodes/CRUD-1", node);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var list = (await archive.Client.GetFromJsonAsync<JsonArray>("api/dicom-nodes"))!;
        Assert.Equal(104, list.Single(n => (string?)n!["name"] == "CRUD-1")!["port"]!.GetValue<int>());
        Assert.Contains(list, n => (string?)n!["name"] == "SEEDED" && (string?)n["retrieveMethod"] == "C-GET"); // from Pacs:Nodes

        using var deleted = await archive.Client.DeleteAsync("api/dicom-nodes/CRUD-1");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await archive.Client.GetAsync("api/dicom-nodes/CRUD-1");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("'CRUD-1'", (await gone.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        using var deletedAgain = await archive.Client.DeleteAsync("api/dicom-nodes/CRUD-1");
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    [Fact]
    public async Task Put_Invalid_400WithEveryFieldsError_NothingStored()
    {
        var node = new JsonObject
        {
            ["name"] = "OTHER",
            ["aeTitle"] = "AN_AE_TITLE_LONGER_THAN_16",
            ["host"] = "not a host",
            ["port"] = 70000,
            ["retrieveMethod"] = "C-PULL",
        };

        using var response = await archive.Client.PutAsJsonAsync("api/dicom-nodes/BAD-1", node);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["aeTitle", "host", "name", "port", "retrieveMethod"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        using var get = await archive.Client.GetAsync("api/dicom-nodes/BAD-1");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData("BAD!NAME", null, "ORTHANC", "name")]
    [InlineData("BAD-2", "BAD-3", "ORTHANC", "name")] // the body names another node
    [InlineData("BAD-4", null, "A\\B", "aeTitle")]
    [InlineData("BAD-5", null, "   ", "aeTitle")]
    public async Task Put_InvalidField_400NamingIt(string name, string? bodyName, string aeTitle, string field)
    {
        var node = new JsonObject { ["name"] = bodyName, ["aeTitle"] = aeTitle, ["host"] = "pacs.example.org", ["port"] = 104 };

        using var response = await archive.Client.PutAsJsonAsync($"api/dicom-nodes/{Uri.EscapeDataString(name)}", node);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal([field], errors.Select(e => e.Key));
    }
}
