using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Index;
using Isocenter.ObjectStore;
using MassTransit;

namespace Isocenter.Storage;

/// <summary>
/// Deletes a study, series or instance: first the objects (a crash then leaves rows whose redelivered request finishes the
/// job, never unreferenced objects), then the rows; publishes and answers <see cref="InstancesDeleted"/>.
/// </summary>
public sealed partial class DeleteInstancesConsumer(IIndexStore index, IObjectStore store, TimeProvider time, ILogger<DeleteInstancesConsumer> logger)
    : IConsumer<DeleteInstances>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<DeleteInstances> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        using var activity = StorageTelemetry.ActivitySource.StartActivity("delete instances");
        var identifier = new DicomDataset().Set(DicomTag.StudyInstanceUID, request.StudyInstanceUid);
        if (request.SeriesInstanceUid is { } series)
        {
            identifier.Set(DicomTag.SeriesInstanceUID, series);
        }
        if (request.SopInstanceUid is { } sop)
        {
            identifier.Set(DicomTag.SOPInstanceUID, sop);
        }
        var listed = await index.ListInstancesAsync(new IndexQuery(QueryLevel.Image, identifier), cancellationToken).ConfigureAwait(false);
        await DeleteObjectsAsync(listed, cancellationToken).ConfigureAwait(false);
        var removed = await index.DeleteAsync(request.StudyInstanceUid, request.SeriesInstanceUid, request.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        // Instances indexed between the listing and the delete lost their rows too: their objects go as well.
        await DeleteObjectsAsync(removed.ExceptBy(listed.Select(l => l.ObjectKey), l => l.ObjectKey, StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
        var deleted = new InstancesDeleted([.. removed.Select(l => new DeletedInstance(l.StudyInstanceUid, l.SeriesInstanceUid, l.SopInstanceUid, l.ObjectKey))], time.GetUtcNow());
        StorageTelemetry.InstancesDeleted.Add(deleted.Instances.Count);
        LogDeleted(logger, deleted.Instances.Count, request.StudyInstanceUid, request.SeriesInstanceUid ?? "*", request.SopInstanceUid ?? "*");
        await context.Publish(deleted, cancellationToken).ConfigureAwait(false);
        await context.RespondAsync(deleted).ConfigureAwait(false);
    }

    private async Task DeleteObjectsAsync(IReadOnlyList<InstanceLocation> instances, CancellationToken cancellationToken)
    {
        foreach (var instance in instances)
        {
            await store.DeleteAsync(instance.ObjectKey, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} instances (study {StudyInstanceUid}, series {SeriesInstanceUid}, instance {SopInstanceUid})")]
    private static partial void LogDeleted(ILogger logger, int count, string studyInstanceUid, string seriesInstanceUid, string sopInstanceUid);
}

/// <summary>Retries transient failures (<see cref="StorageRetry"/>).</summary>
public sealed class DeleteInstancesConsumerDefinition : ConsumerDefinition<DeleteInstancesConsumer>
{
    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeleteInstancesConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(StorageRetry.Configure);
}
