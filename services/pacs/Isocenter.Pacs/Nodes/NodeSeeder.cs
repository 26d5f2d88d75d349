using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Nodes;

/// <summary>
/// Writes the nodes of <c>Pacs:Nodes</c> into the registry when the service starts (after the migrations), replacing any of
/// the same name: configuration is how a deployment declares its PACS. An invalid node stops the start with its errors.
/// </summary>
internal sealed class NodeSeeder(NodeRegistry registry, IOptions<PacsOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, configured) in options.Value.Nodes)
        {
            var node = configured with { Name = name };
            if (node.Validate() is { Count: > 0 } errors)
            {
                throw new InvalidOperationException(
                    $"Pacs:Nodes:{name} is not a valid node: {string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
            }
            await registry.PutAsync(node, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
