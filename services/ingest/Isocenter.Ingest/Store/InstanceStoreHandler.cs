using System.Diagnostics;
using System.Globalization;
using Isocenter.Archive.Store;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Store;
using Microsoft.Extensions.Options;

namespace Isocenter.Ingest.Store;

/// <summary>
/// C-STORE into the archive (<see cref="InstanceArchiver"/>): the dataset is streamed from the network into the object store
/// under <c>instances/{study}/{series}/{sop}.dcm</c> as a Part 10 file (the dataset bytes exactly as received), then
/// <see cref="InstancesReceived"/> announcing it is confirmed by the broker, and only then is Success answered. A malformed
/// or inconsistent dataset, a store or a broker that fails or does not answer in time, is answered with a failure status
/// and an Error Comment, so the sender keeps the instance and retries: an acknowledged instance is never lost. A re-sent
/// instance replaces its object atomically and is announced again.
/// </summary>
public sealed partial class InstanceStoreHandler(InstanceArchiver archiver, IOptions<IngestOptions> options, ILogger<InstanceStoreHandler> logger) : ICStoreHandler
{
    private readonly IngestOptions _options = options.Value;
    private readonly InstanceWriteLimits _limits = new(options.Value.MaxHeaderLength, options.Value.StoreTimeout);

    /// <inheritdoc/>
    public async ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
    {
        using var activity = IngestTelemetry.ActivitySource.StartActivity("c-store");
        activity?.SetTag("dicom.calling_ae_title", request.Association.CallingAETitle);
        activity?.SetTag("dicom.sop_instance_uid", request.SopInstanceUid);
        try
        {
            var received = await StoreAsync(request, dataset, cancellationToken);
            IngestTelemetry.Received.Add(1);
            IngestTelemetry.Bytes.Add(received.Size);
            LogStored(logger, received.ObjectKey, received.Size, request.Association.CallingAETitle, request.TransferSyntax.Name);
            return DimseStatus.Success;
        }
        catch (DimseFailureException e)
        {
            IngestTelemetry.Failed.Add(1, new KeyValuePair<string, object?>("dicom.status", e.Status.ToString("X4", CultureInfo.InvariantCulture)));
            activity?.SetStatus(ActivityStatusCode.Error, e.ErrorComment);
            LogRefused(logger, request.SopInstanceUid, request.Association.CallingAETitle, e.Status, e.ErrorComment);
            throw;
        }
        catch (Exception e) when (e is OperationCanceledException or AssociationGoneException || e.InnerException is AssociationGoneException)
        {
            IngestTelemetry.Failed.Add(1, new KeyValuePair<string, object?>("dicom.status", "association-ended"));
            activity?.SetStatus(ActivityStatusCode.Error, "the association ended");
            LogCutShort(logger, request.SopInstanceUid, request.Association.CallingAETitle, e.Message);
            throw;
        }
    }

    private async Task<InstanceReceived> StoreAsync(CStoreRequest request, Stream network, CancellationToken cancellationToken)
    {
        var archived = await archiver.ArchiveAsync(
            new InstanceToStore(request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CallingAETitle),
            network, _limits, _options.PublishTimeout, cancellationToken);
        IngestTelemetry.StoreDuration.Record(archived.StoreDuration.TotalSeconds);
        IngestTelemetry.PublishDuration.Record(archived.PublishDuration.TotalSeconds);
        return archived.Received;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stored {ObjectKey} ({Size} bytes) from {CallingAETitle} in {TransferSyntax}")]
    private static partial void LogStored(ILogger logger, string objectKey, long size, string callingAETitle, string transferSyntax);

    [LoggerMessage(Level = LogLevel.Warning, Message = "C-STORE of {SopInstanceUid} from {CallingAETitle} refused with status 0x{Status:X4}: {ErrorComment}")]
    private static partial void LogRefused(ILogger logger, string sopInstanceUid, string callingAETitle, ushort status, string? errorComment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "C-STORE of {SopInstanceUid} from {CallingAETitle} not stored: the association ended first ({Reason})")]
    private static partial void LogCutShort(ILogger logger, string sopInstanceUid, string callingAETitle, string reason);
}
