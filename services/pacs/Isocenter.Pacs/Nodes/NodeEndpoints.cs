using Isocenter.Pacs.Echo;

namespace Isocenter.Pacs.Nodes;

/// <summary>The registry's API: <c>/api/dicom-nodes</c> (docs/pacs.md).</summary>
public static class NodeEndpoints
{
    /// <summary>The registry's route.</summary>
    public const string Route = "/api/dicom-nodes";

    /// <summary>Maps list, get, put, delete, and the echo of a node (saved, or in the body).</summary>
    public static RouteGroupBuilder MapNodes(this WebApplication app)
    {
        var nodes = app.MapGroup(Route);
        nodes.MapGet("", (NodeRegistry registry, CancellationToken cancellationToken) => registry.ListAsync(cancellationToken));
        nodes.MapGet("/{name}", async (string name, NodeRegistry registry, CancellationToken cancellationToken) =>
            await registry.GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw PacsException.NodeNotFound(name));
        nodes.MapPut("/{name}", PutAsync);
        nodes.MapPost("/{name}/echo", async (string name, NodeRegistry registry, EchoService echo, CancellationToken cancellationToken) =>
            await echo.EchoAsync(await registry.GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw PacsException.NodeNotFound(name), cancellationToken).ConfigureAwait(false));
        nodes.MapPost("/echo", async (DicomNode node, EchoService echo, CancellationToken cancellationToken) =>
        {
            var errors = (node with { Name = string.IsNullOrEmpty(node.Name) ? "unsaved" : node.Name }).Validate();
            return errors.Count > 0
                ? Results.ValidationProblem(errors, detail: "The node is not valid: see errors.")
                : Results.Ok(await echo.EchoAsync(node, cancellationToken).ConfigureAwait(false));
        });
        nodes.MapDelete("/{name}", async (string name, NodeRegistry registry, CancellationToken cancellationToken) =>
            await registry.DeleteAsync(name, cancellationToken).ConfigureAwait(false) ? Results.NoContent() : throw PacsException.NodeNotFound(name));
        return nodes;
    }

    private static async Task<IResult> PutAsync(string name, DicomNode body, NodeRegistry registry, CancellationToken cancellationToken)
    {
        var node = body with { Name = string.IsNullOrEmpty(body.Name) ? name : body.Name };
        var errors = node.Validate();
        if (node.Name != name && !errors.ContainsKey("name"))
        {
            errors["name"] = [$"The name in the body ('{node.Name}') differs from the one in the path ('{name}')."];
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, detail: "The node is not valid: see errors.");
        }
        node = node with { AETitle = node.AETitle.Trim() };
        return await registry.PutAsync(node, cancellationToken).ConfigureAwait(false)
            ? Results.Created($"{Route}/{name}", node)
            : Results.Ok(node);
    }
}
