using Isocenter.Archive.Store;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Store;
using MassTransit;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Isocenter.DicomWeb.Store;

/// <summary>
/// The Store Transaction (PS3.18 10.5): a <c>multipart/related; type="application/dicom"</c> body read part by part, each
/// Part 10 part streamed into the object store as it arrives (<see cref="InstanceWriter"/>, as C-STORE does), the stored
/// instances indexed by the storage service (<see cref="IndexInstances"/>, in batches) before the response, so a search
/// right after it finds them. An instance in the response's Referenced SOP Sequence is in the object store and the index.
/// </summary>
public sealed partial class StoreHandler(InstanceWriter writer, IRequestClient<IndexInstances> indexer, IOptions<StoreOptions> options, ILogger<StoreHandler> logger)
{
    private readonly StoreOptions _options = options.Value;
    private readonly InstanceWriteLimits _limits = new(options.Value.MaxHeaderLength, options.Value.StoreTimeout);

    /// <summary>
    /// Stores the parts of the request's body, into <paramref name="study"/> when given (PS3.18 10.5.1: instances of other
    /// studies fail), and answers the Store Instances Response (PS3.18 10.5.3): 200 when all are stored, 202 when some
    /// failed, 409 when none was stored.
    /// </summary>
    public async Task<IResult> StoreAsync(HttpContext context, string? study, CancellationToken cancellationToken)
    {
        if (study is not null && !DicomUid.IsValid(study))
        {
            throw DicomWebException.BadRequest($"'{study}' is not a valid Study Instance UID (PS3.5 9.1)");
        }
        var boundary = ReadBoundary(context.Request.ContentType);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _options.MaxStowBytes;
        }
        var reader = new MultipartReader(boundary, context.Request.Body);
        var response = new StoreResponse(context.Request);
        var pending = new List<InstanceReceived>(_options.IndexBatchSize);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } part)
            {
                await StorePartAsync(part, study, pending, response, cancellationToken);
                if (pending.Count >= _options.IndexBatchSize)
                {
                    await IndexAsync(pending, response, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The request broke off (malformed, too large): what was stored is indexed all the same, so no object is left
            // unindexed; the client, answered with an error, sends again (storing is idempotent).
            await IndexAsync(pending, response, CancellationToken.None);
            if (e is InvalidDataException or IOException and not BadHttpRequestException)
            {
                throw DicomWebException.BadRequest($"The multipart body is malformed: {e.Message}");
            }
            throw;
        }
        await IndexAsync(pending, response, cancellationToken);
        if (response.IsEmpty)
        {
            throw DicomWebException.BadRequest("The multipart body has no parts");
        }
        return response.ToResult(study);
    }

    private async Task StorePartAsync(MultipartSection part, string? study, List<InstanceReceived> pending, StoreResponse response, CancellationToken cancellationToken)
    {
        if (part.ContentType is { } type && !IsDicom(type))
        {
            response.Failed(null, null, DimseStatus.CannotUnderstand, $"A part of type '{type}' in a request of type {DicomWebMediaTypes.Dicom}");
            return;
        }
        DicomFileHeader header;
        try
        {
            header = await DicomFileHeader.ReadAsync(part.Body, cancellationToken);
        }
        catch (DicomException e)
        {
            response.Failed(null, null, DimseStatus.CannotUnderstand, $"The part is not a DICOM Part 10 file: {e.Message}");
            return;
        }
        try
        {
            pending.Add(await writer.PutAsync(new InstanceToStore(header.SopClassUid, header.SopInstanceUid, header.TransferSyntax, null, study),
                part.Body, _limits, cancellationToken));
        }
        catch (DimseFailureException e)
        {
            response.Failed(header.SopClassUid, header.SopInstanceUid, e.Status, e.ErrorComment);
        }
    }

    /// <summary>Asks the storage service to index <paramref name="pending"/>; they are stored, or failed when it cannot.</summary>
    private async Task IndexAsync(List<InstanceReceived> pending, StoreResponse response, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return;
        }
        try
        {
            await indexer.GetResponse<InstancesIndexed>(new IndexInstances([.. pending]), cancellationToken, RequestTimeout.After(ms: (int)_options.StorageTimeout.TotalMilliseconds));
            foreach (var instance in pending)
            {
                response.Stored(instance);
            }
        }
        catch (MassTransitException e)
        {
            LogIndexFailed(logger, e, pending.Count, e.Message);
            foreach (var instance in pending)
            {
                response.Failed(instance.SopClassUid, instance.SopInstanceUid, DimseStatus.OutOfResources,
                    $"Stored, but the storage service did not index it ({e.Message}); please send the instance again");
            }
        }
        pending.Clear();
    }

    /// <summary>The body's boundary, once its media type is <c>multipart/related</c> of <c>application/dicom</c> parts (PS3.18 10.5.1.1).</summary>
    private static string ReadBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals(DicomWebMediaTypes.MultipartRelated, StringComparison.OrdinalIgnoreCase))
        {
            throw DicomWebException.UnsupportedMediaType($"STOW-RS takes {DicomWebMediaTypes.MultipartRelated}; type=\"{DicomWebMediaTypes.Dicom}\", not '{contentType}'");
        }
        var type = media.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value;
        if (type is { } value && !IsDicom(HeaderUtilities.RemoveQuotes(value).ToString()))
        {
            throw DicomWebException.UnsupportedMediaType($"Parts of type {value} are not accepted: only {DicomWebMediaTypes.Dicom}");
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).ToString();
        if (boundary.Length is 0 or > 70)
        {
            throw DicomWebException.BadRequest("The multipart body has no boundary parameter, or one over 70 characters (RFC 2046 5.1.1)");
        }
        return boundary;
    }

    private static bool IsDicom(string type) =>
        MediaTypeHeaderValue.TryParse(type, out var media) && media.MediaType.Equals(DicomWebMediaTypes.Dicom, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing {Count} stored instances failed: {Reason}")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, int count, string reason);
}
