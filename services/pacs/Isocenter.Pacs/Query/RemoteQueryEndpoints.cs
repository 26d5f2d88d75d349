using System.Globalization;
using System.Text;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs.Query;

/// <summary>
/// <c>GET /api/dicom-nodes/{name}/studies</c> and <c>…/studies/{study}/series</c>: a node's studies and series as DICOM JSON,
/// searched with QIDO-RS's parameters (attribute keywords and <c>limit</c>), answered by Study Root C-FIND.
/// </summary>
public static class RemoteQueryEndpoints
{
    /// <summary>The media type of the answers.</summary>
    public const string MediaType = "application/dicom+json";

    /// <summary>How many matches a search returns when it gives no <c>limit</c>; also the most it may ask for is ten times this.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Maps the searches under the registry's group.</summary>
    public static RouteGroupBuilder MapRemoteQuery(this RouteGroupBuilder nodes)
    {
        nodes.MapGet("/{name}/studies", (string name, HttpRequest request, NodeRegistry registry, RemoteQuery query, NodeConnector connector, CancellationToken cancellationToken) =>
            SearchAsync(name, request, RemoteQuery.StudyMatchingKeys, registry, connector,
                (node, matching, limit) => query.FindStudiesAsync(node, matching, limit, cancellationToken), cancellationToken));
        nodes.MapGet("/{name}/studies/{study}/series", (string name, string study, HttpRequest request, NodeRegistry registry, RemoteQuery query, NodeConnector connector,
            CancellationToken cancellationToken) =>
            SearchAsync(name, request, RemoteQuery.SeriesMatchingKeys, registry, connector,
                (node, matching, limit) => query.FindSeriesAsync(node, study, matching, limit, cancellationToken), cancellationToken));
        return nodes;
    }

    private static async Task<IResult> SearchAsync(string name, HttpRequest request, IReadOnlyList<DicomTag> keys, NodeRegistry registry, NodeConnector connector,
        Func<DicomNode, IReadOnlyDictionary<DicomTag, string>, int, IAsyncEnumerable<DicomDataset>> find, CancellationToken cancellationToken)
    {
        var node = await registry.GetAsync(name, cancellationToken).ConfigureAwait(false) ?? throw PacsException.NodeNotFound(name);
        if (!node.Query)
        {
            throw new PacsException(StatusCodes.Status400BadRequest, $"The node '{name}' is not enabled for query: set its 'query' to true to search it.");
        }
        var (matching, limit) = Parse(request.Query, keys);
        var matches = new List<DicomDataset>();
        try
        {
            await foreach (var match in find(node, matching, limit).ConfigureAwait(false))
            {
                matches.Add(match);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && connector.Diagnose(e, node) is { } problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The node could not be queried", detail: problem.Message,
                extensions: new Dictionary<string, object?> { ["problem"] = problem.Code });
        }
        return Results.Text(DicomJson.Serialize(matches), MediaType, Encoding.UTF8);
    }

    // Attribute keywords among keys (QIDO's names) and limit; anything else is refused, so a typo never widens a search.
    private static (Dictionary<DicomTag, string> Matching, int Limit) Parse(IQueryCollection query, IReadOnlyList<DicomTag> keys)
    {
        var matching = new Dictionary<DicomTag, string>();
        var limit = DefaultLimit;
        foreach (var (key, values) in query)
        {
            var value = values.ToString();
            if (key == "limit")
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10 * DefaultLimit)
                {
                    throw new PacsException(StatusCodes.Status400BadRequest, $"limit must be a number from 1 to {10 * DefaultLimit}.");
                }
            }
            else if (DicomDictionary.FindByKeyword(key) is { } entry && keys.Contains(entry.Tag))
            {
                matching[entry.Tag] = value;
            }
            else
            {
                throw new PacsException(StatusCodes.Status400BadRequest,
                    $"'{key}' is not a search parameter here: use limit or one of {string.Join(", ", keys.Select(k => DicomDictionary.Find(k)?.Keyword ?? k.ToString()))}.");
            }
        }
        return (matching, limit);
    }
}
