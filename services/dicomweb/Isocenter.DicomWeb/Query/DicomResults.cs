using System.Text.Json;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Dicom.Xml;

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
        var ranges = AcceptedMediaType.Parse(request);
        foreach (var range in ranges)
        {
            if (range.MediaType is DicomWebMediaTypes.DicomJson or "application/json" or "application/*" or "*/*")
            {
                return ResultFormat.Json;
            }
            if (range.MediaType == DicomWebMediaTypes.MultipartRelated && range.PartType is null or DicomWebMediaTypes.DicomXml)
            {
                return ResultFormat.XmlMultipart;
            }
        }
        throw DicomWebException.NotAcceptable(
            $"The resource is available as {DicomWebMediaTypes.DicomJson} and as {DicomWebMediaTypes.MultipartRelated}; type=\"{DicomWebMediaTypes.DicomXml}\"; the request accepts neither ({string.Join(", ", ranges)}).");
    }

    /// <summary>
    /// Writes <paramref name="datasets"/> as they come: a JSON array (<c>[]</c> when there are none), or XML parts (204 No
    /// Content when there are none, as a multipart body needs at least one part).
    /// </summary>
    public static Task WriteAsync(HttpResponse response, ResultFormat format, IAsyncEnumerable<DicomDataset> datasets, CancellationToken cancellationToken) =>
        format == ResultFormat.Json ? WriteJsonAsync(response, datasets, cancellationToken) : WriteXmlAsync(response, datasets, cancellationToken);

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
        var writer = new MultipartRelatedWriter(response, DicomWebMediaTypes.DicomXml, null);
        using var part = new MemoryStream();
        await foreach (var dataset in datasets.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // One dataset's XML at a time: the writer is synchronous and Kestrel allows only asynchronous writes.
            part.SetLength(0);
            DicomXml.Serialize(dataset, part);
            await writer.WritePartAsync(DicomWebMediaTypes.DicomXml, part.GetBuffer().AsMemory(0, (int)part.Length), cancellationToken).ConfigureAwait(false);
        }
        if (!writer.Started)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
