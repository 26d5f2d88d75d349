using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs.Forward;

/// <summary>The auto-forward rules' API: <c>/api/forward-rules</c> (docs/pacs.md).</summary>
public static class ForwardRuleEndpoints
{
    /// <summary>The rules' route.</summary>
    public const string Route = "/api/forward-rules";

    /// <summary>Maps list, get, put and delete.</summary>
    public static RouteGroupBuilder MapForwardRules(this WebApplication app)
    {
        var rules = app.MapGroup(Route);
        rules.MapGet("", (ForwardRuleStore store, CancellationToken cancellationToken) => store.ListAsync(cancellationToken));
        rules.MapGet("/{name}", async (string name, ForwardRuleStore store, CancellationToken cancellationToken) =>
            await store.GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NotFound(name));
        rules.MapPut("/{name}", PutAsync);
        rules.MapDelete("/{name}", async (string name, ForwardRuleStore store, ForwardRuleCache cache, CancellationToken cancellationToken) =>
        {
            var deleted = await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            cache.Invalidate();
            return deleted ? Results.NoContent() : throw NotFound(name);
        });
        return rules;
    }

    private static async Task<IResult> PutAsync(string name, ForwardRule body, ForwardRuleStore store, ForwardRuleCache cache, NodeRegistry nodes, CancellationToken cancellationToken)
    {
        var rule = body with { Name = string.IsNullOrEmpty(body.Name) ? name : body.Name, CallingAETitle = body.CallingAETitle?.Trim() };
        var errors = rule.Validate();
        if (rule.Name != name && !errors.ContainsKey("name"))
        {
            errors["name"] = [$"The name in the body ('{rule.Name}') differs from the one in the path ('{name}')."];
        }
        if (!errors.ContainsKey("node"))
        {
            var node = await nodes.GetAsync(rule.Node, cancellationToken).ConfigureAwait(false);
            if (node is not { StoreTo: true })
            {
                errors["node"] = [node is null
                    ? $"There is no DICOM node named '{rule.Node}': add it to the registry first (PUT /api/dicom-nodes/{rule.Node})."
                    : $"The node '{rule.Node}' is not one we send to (storeTo is false): enable storeTo on it first."];
            }
        }
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, detail: "The forward rule is not valid: see errors.");
        }
        var added = await store.PutAsync(rule, cancellationToken).ConfigureAwait(false);
        cache.Invalidate();
        return added ? Results.Created($"{Route}/{name}", rule) : Results.Ok(rule);
    }

    private static PacsException NotFound(string name) =>
        new(StatusCodes.Status404NotFound, $"There is no forward rule named '{name}': GET {Route} lists them.");
}
