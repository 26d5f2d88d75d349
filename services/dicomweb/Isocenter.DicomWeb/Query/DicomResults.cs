using System.Text;
using System.Text.Json;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Xml;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Isocenter.DicomWeb.Query;

/// <summary>How a list of datasets (QIDO-RS matches, WADO-RS metadata) is written.</summary>
internal enum ResultFormat
{
    /// <summary>A DICOM JSON array (PS3.18 F.2), the default.</summary>
    Json,

    /// <summary>One Native DICOM Model part per dataset (PS3.19 A.1) in <c>multipart/related; type="application/dicom+xml"</c>.</summary>
    XmlMultipart,
}

/// <summary>Negotiates and writes the bodies of QIDO-RS and WADO-RS metadata responses (PS3.18 8.7.3, 10.4.1.2, 10.6.3.2).</summary>
internal static class DicomResults
{
    private const int FlushThreshold = 32 * 1024;

    /// <summary>
    /// The format the request accepts (the <c>accept</c> query parameter of PS3.18 8.3.3.1 before the Accept header; none
    /// means DICOM JSON), in order of preference; neither format acceptable throws a 406 <see cref="DicomWebException"/>.
    /// </summary>
    public static ResultFormat Negotiate(HttpRequest request)
    {
        var values = request.Query.TryGetValue("accept", out var parameter) ? parameter : request.Headers.Accept;
        if (StringValues.IsNullOrEmpty(values))
        {
            return ResultFormat.Json;
        }
        if (!MediaTypeHeaderValue.TryParseList(values, out var accepted))
        {
            throw DicomWebException.BadRequest($"The Accept value '{values}' is not a list of media types.");
        }
        foreach (var type in accepted.Where(t => t.Quality is not 0).OrderByDescending(t => t.Quality ?? 1))
        {
            var mediaType = type.MediaType.Value;
            if (mediaType is DicomWebMediaTypes.DicomJson or "application/json" or "application/*" or "*/*")
            {
                return ResultFormat.Json;
            }
            var partType = type.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value;
            if (string.Equals(mediaType, DicomWebMediaTypes.MultipartRelated, StringComparison.OrdinalIgnoreCase)
                && (partType is null || HeaderUtilities.RemoveQuotes(partType.Value).Equals(DicomWebMediaTypes.DicomXml, StringComparison.OrdinalIgnoreCase)))
            {
                return ResultFormat.XmlMultipart;
            }
        }
        throw DicomWebException.NotAcceptable(
            $"The resource is available as {DicomWebMediaTypes.DicomJson} and as {DicomWebMediaTypes.MultipartRelated}; type=\"{DicomWebMediaTypes.DicomXml}\"; the request accepts neither ({values}).");
    }

    /// <summary>
    /// Writes <paramref name="datasets"/> as they come: a JSON array (<c>[]</c> when there are none), or XML parts (204 No
    /// Content when there are none, as a multipart body needs at least one part).
    /// </summary>
    public static Task WriteAsync(HttpResponse response, ResultFormat format, IAsyncEnumerable<DicomDataset> datasets, CancellationToken cancellationToken) =>
        format == ResultFormat.Json ? WriteJsonAsync(response, datasets, cancellationToken) : WriteXmlAsync(response, datasets, cancellationToken);

    /// <summary>An absolute URI of the service: <paramref name="path"/> under <see cref="DicomWebRoutes.Base"/> as the request reached it.</summary>
    public static Uri Resource(HttpRequest request, string path) =>
        new($"{request.Scheme}://{request.Host}{request.PathBase}{DicomWebRoutes.Base}{path}");

    private static async Task WriteJsonAsync(HttpResponse response, IAsyncEnumerable<DicomDataset> datasets, CancellationToken cancellationToken)
    {
        response.ContentType = DicomWebMediaTypes.DicomJson;
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        writer.WriteStartArray();
        await foreach (var dataset in datasets.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            DicomJson.Serialize(dataset, writer);
            if (writer.BytesPending >= FlushThreshold)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WriteXmlAsync(HttpResponse response, IAsyncEnumerable<DicomDataset> datasets, CancellationToken cancellationToken)
    {
        var boundary = Guid.NewGuid().ToString("N");
        var started = false;
        using var part = new MemoryStream();
        await foreach (var dataset in datasets.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!started)
            {
                response.ContentType = $"{DicomWebMediaTypes.MultipartRelated}; type=\"{DicomWebMediaTypes.DicomXml}\"; boundary={boundary}";
                started = true;
            }
            // One dataset's XML at a time: the writer is synchronous and Kestrel allows only asynchronous writes.
            part.SetLength(0);
            part.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: {DicomWebMediaTypes.DicomXml}\r\n\r\n"));
            DicomXml.Serialize(dataset, part);
            part.Write("\r\n"u8);
            await response.Body.WriteAsync(part.GetBuffer().AsMemory(0, (int)part.Length), cancellationToken).ConfigureAwait(false);
        }
        if (!started)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await response.Body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), cancellationToken).ConfigureAwait(false);
    }
}
