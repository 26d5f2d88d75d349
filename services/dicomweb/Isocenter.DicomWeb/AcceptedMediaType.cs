using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Isocenter.DicomWeb;

/// <summary>
/// One media range of an Accept header (PS3.18 8.7.3): its type, the <c>type</c> parameter of a multipart range, the
/// <c>transfer-syntax</c> parameter and its quality; <see cref="Parse(StringValues)"/> orders them most wanted first.
/// </summary>
internal sealed partial record AcceptedMediaType(string MediaType, string? PartType, string? TransferSyntax)
{
    private static readonly AcceptedMediaType[] Anything = [new("*/*", null, null)];

    /// <summary>Whether this range is <c>*/*</c> or the wildcard <c>type/*</c> of <paramref name="mediaType"/>'s type.</summary>
    public bool Matches(string mediaType) => MediaType == "*/*" || MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase)
        || MediaType.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(MediaType[..^1], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The ranges of <paramref name="accept"/> (the Accept header, or the <c>accept</c> query parameter of PS3.18 8.3.3.1
    /// where a resource takes one), highest quality first and in their order within a quality; none means <c>*/*</c>.
    /// Ranges with q=0 are left out. A malformed header is a 400.
    /// </summary>
    public static IReadOnlyList<AcceptedMediaType> Parse(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept))
        {
            return Anything;
        }
        // Lenient reading: type=application/dicom unquoted (a '/' is not a token character, RFC 9110 5.6.2) is common (OHIF).
        var quoted = accept.Select(value => UnquotedType().Replace(value ?? "", "$1\"$2\"")).ToArray();
        if (!MediaTypeHeaderValue.TryParseList(quoted, out var ranges))
        {
            throw DicomWebException.BadRequest($"The Accept header '{accept}' is not a list of media ranges (RFC 9110 12.5.1).");
        }
        return ranges
            .Select(r => (Range: r, Quality: r.Quality ?? 1))
            .Where(r => r.Quality > 0)
            .OrderByDescending(r => r.Quality)
            .Select(r => new AcceptedMediaType(r.Range.MediaType.Value!.ToLowerInvariant(), Parameter(r.Range, "type")?.ToLowerInvariant(), Parameter(r.Range, "transfer-syntax")))
            .DefaultIfEmpty(Anything[0])
            .ToList();
    }

    /// <summary>The ranges a request accepts: its <c>accept</c> query parameter (PS3.18 8.3.3.1), else its Accept header.</summary>
    public static IReadOnlyList<AcceptedMediaType> Parse(HttpRequest request) =>
        Parse(request.Query.TryGetValue("accept", out var parameter) ? parameter : request.Headers.Accept);

    [GeneratedRegex(@"(;\s*type\s*=\s*)([^\s"";,]+/[^\s"";,]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnquotedType();

    private static string? Parameter(MediaTypeHeaderValue range, string name) =>
        range.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } parameter
            ? HeaderUtilities.RemoveQuotes(parameter.Value).Value?.Trim()
            : null;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{MediaType}{(PartType is null ? "" : $"; type=\"{PartType}\"")}{(TransferSyntax is null ? "" : $"; transfer-syntax={TransferSyntax}")}");
}
