using Isocenter.Archive.Store;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Dicom.Deidentification;
using Isocenter.Index;
using Isocenter.ObjectStore;
using MassTransit;

namespace Isocenter.Storage.Deidentify;

/// <summary>
/// Makes the de-identified copy of a study for a reading set (<see cref="DeidentifyStudy"/>): each instance read from the
/// object store, de-identified with the set's key (<c>deid_key</c>), written under its new UIDs and indexed in batches of 50, copied 4 at a time (which
/// publishes <see cref="SeriesChanged"/>, then <see cref="SeriesStable"/>), the pseudonym mapping kept in <c>deid_mapping</c>;
/// progress published as <see cref="StudyDeidentificationChanged"/> at most every 250 ms, then <c>completed</c> once every copy
/// is indexed, or <c>failed</c> with the reason. A redelivery rewrites the same objects and rows: the UIDs come from the key.
/// </summary>
public sealed partial class DeidentifyStudyConsumer(
    IIndexStore index,
    IObjectStore store,
    DeidentificationStore deidentification,
    InstanceIndexer indexer,
    TimeProvider time,
    ILogger<DeidentifyStudyConsumer> logger) : IConsumer<DeidentifyStudy>
{
    private const int BatchSize = 50;
    private const int CopyConcurrency = 4;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<DeidentifyStudy> context)
    {
        var message = context.Message;
        var cancellationToken = context.CancellationToken;
        var secret = await deidentification.ReadKeyAsync(message.ReadingSetId, cancellationToken).ConfigureAwait(false);
        if (secret is null)
        {
            await FailAsync(context, "", 0, 0, [], $"Reading set {message.ReadingSetId} has no key in deid_key: the review service creates it with the set; create the set again").ConfigureAwait(false);
            return;
        }
        var keys = new DeidentificationKeys(secret);
        var copyStudy = keys.MapUid(message.StudyInstanceUid);
        var instances = await index.ListInstancesAsync(
            new IndexQuery(QueryLevel.Study, new DicomDataset().Set(DicomTag.StudyInstanceUID, message.StudyInstanceUid)), cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            await FailAsync(context, copyStudy, 0, 0, [], $"Study {message.StudyInstanceUid} has no instances in the archive: nothing to copy").ConfigureAwait(false);
            return;
        }

        var deidentifier = new Deidentifier(keys, Options(message.Profile));
        var heldBack = new Dictionary<string, (int Count, string Reason)>(StringComparer.Ordinal);
        var batch = new List<InstanceReceived>(BatchSize);
        var mappings = new List<DeidentificationMapping>();
        var done = 0;
        var lastProgress = time.GetTimestamp();
        await PublishAsync(context, copyStudy, "running", instances.Count, 0, [], null).ConfigureAwait(false);
        try
        {
            foreach (var chunk in instances.Chunk(BatchSize))
            {
                // A few instances at once: reading and writing objects waits as much as de-identifying computes.
                var copies = new (DeidentificationResult Result, InstanceReceived? Received)[chunk.Length];
                await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), new ParallelOptions { MaxDegreeOfParallelism = CopyConcurrency, CancellationToken = cancellationToken },
                    async (i, token) => copies[i] = await CopyAsync(deidentifier, chunk[i], token).ConfigureAwait(false)).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (copies[i].Received is { } received)
                    {
                        batch.Add(received);
                        mappings.AddRange(copies[i].Result.Mappings);
                        continue;
                    }
                    var (count, reason) = heldBack.GetValueOrDefault(chunk[i].SeriesInstanceUid, (0, copies[i].Result.Reason!));
                    heldBack[chunk[i].SeriesInstanceUid] = (count + 1, reason);
                }
                done += await FlushAsync(context, batch, mappings, cancellationToken).ConfigureAwait(false);
                if (time.GetElapsedTime(lastProgress) >= ProgressInterval)
                {
                    lastProgress = time.GetTimestamp();
                    await PublishAsync(context, copyStudy, "running", instances.Count, done, HeldBack(heldBack), null).ConfigureAwait(false);
                }
            }
        }
        catch (DicomException e)
        {
            // An instance that cannot be read or copied fails the study at once: retrying would not change it.
            await FailAsync(context, copyStudy, instances.Count, done, HeldBack(heldBack), $"An instance of study {message.StudyInstanceUid} cannot be de-identified: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException && context.GetRetryAttempt() >= StorageRetry.Limit)
        {
            await FailAsync(context, copyStudy, instances.Count, done, HeldBack(heldBack), $"Copying study {message.StudyInstanceUid} failed after {StorageRetry.Limit} retries: {e.Message}").ConfigureAwait(false);
            throw;
        }
        await PublishAsync(context, copyStudy, "completed", instances.Count, done, HeldBack(heldBack), null).ConfigureAwait(false);
        LogCompleted(logger, message.StudyInstanceUid, message.ReadingSetId, done, instances.Count - done);
    }

    /// <summary>The options of <paramref name="profile"/>.</summary>
    internal static DeidentificationOptions Options(DeidentificationProfile profile) => new()
    {
        RetainLongitudinalTemporalInformationModifiedDates = profile.RetainModifiedDates,
        RetainPatientCharacteristics = profile.RetainPatientCharacteristics,
        RetainDeviceIdentity = profile.RetainDeviceIdentity,
        RetainInstitutionIdentity = profile.RetainInstitutionIdentity,
        CleanDescriptors = profile.RetainDescriptors,
    };

    private async Task<(DeidentificationResult Result, InstanceReceived? Received)> CopyAsync(Deidentifier deidentifier, InstanceLocation instance, CancellationToken cancellationToken)
    {
        using var original = new MemoryStream(instance.Size > 0 && instance.Size < int.MaxValue ? (int)instance.Size : 0);
        await using (var stream = await store.OpenReadAsync(instance.ObjectKey, cancellationToken).ConfigureAwait(false))
        {
            await stream.CopyToAsync(original, cancellationToken).ConfigureAwait(false);
        }
        original.Position = 0;
        var file = DicomFile.Open(original);
        var result = deidentifier.Deidentify(file.Dataset);
        if (result.Dataset is not { } dataset)
        {
            return (result, null);
        }
        var study = dataset.GetString(DicomTag.StudyInstanceUID)!;
        var series = dataset.GetString(DicomTag.SeriesInstanceUID)!;
        var sop = dataset.GetString(DicomTag.SOPInstanceUID)!;
        var key = ObjectKeys.Instance(study, series, sop);
        using var copy = new MemoryStream((int)original.Length);
        new DicomFile(dataset, file.TransferSyntax).Save(copy);
        var size = copy.Length;
        var checksum = ObjectChecksum.Of(copy.GetBuffer().AsSpan(0, (int)size));
        copy.Position = 0;
        await store.PutAsync(key, copy, cancellationToken).ConfigureAwait(false);
        var header = InstanceHeader.ToJson(dataset); // drops the bulk data from the dataset, written already
        return (result, new InstanceReceived(study, series, sop, instance.SopClassUid, file.TransferSyntax.Uid, key, size, checksum, header, null, time.GetUtcNow()));
    }

    private async Task<int> FlushAsync(ConsumeContext<DeidentifyStudy> context, List<InstanceReceived> batch, List<DeidentificationMapping> mappings, CancellationToken cancellationToken)
    {
        var count = batch.Count;
        if (count > 0)
        {
            await deidentification.UpsertMappingsAsync(context.Message.ReadingSetId, mappings, cancellationToken).ConfigureAwait(false);
            await indexer.IndexAsync([.. batch], context, cancellationToken).ConfigureAwait(false);
        }
        batch.Clear();
        mappings.Clear();
        return count;
    }

    private static List<HeldBackSeries> HeldBack(Dictionary<string, (int Count, string Reason)> heldBack) =>
        [.. heldBack.Select(h => new HeldBackSeries(h.Key, h.Value.Count, h.Value.Reason))];

    private async Task FailAsync(ConsumeContext<DeidentifyStudy> context, string copyStudy, int total, int done, List<HeldBackSeries> heldBack, string error)
    {
        LogFailed(logger, context.Message.StudyInstanceUid, context.Message.ReadingSetId, error);
        await PublishAsync(context, copyStudy, "failed", total, done, heldBack, error).ConfigureAwait(false);
    }

    private static Task PublishAsync(ConsumeContext<DeidentifyStudy> context, string copyStudy, string state, int total, int done, List<HeldBackSeries> heldBack, string? error) =>
        context.Publish(new StudyDeidentificationChanged(context.Message.ReadingSetId, context.Message.StudyInstanceUid, copyStudy, state, total, done, heldBack, error),
            context.CancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "De-identified study {StudyInstanceUid} for reading set {ReadingSetId}: {Copied} instances copied, {HeldBack} held back")]
    private static partial void LogCompleted(ILogger logger, string studyInstanceUid, Guid readingSetId, int copied, int heldBack);

    [LoggerMessage(Level = LogLevel.Warning, Message = "De-identifying study {StudyInstanceUid} for reading set {ReadingSetId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string studyInstanceUid, Guid readingSetId, string reason);
}

/// <summary>Two studies at a time (each keeps a core busy), failures retried as the service's other consumers (<see cref="StorageRetry"/>).</summary>
public sealed class DeidentifyStudyConsumerDefinition : ConsumerDefinition<DeidentifyStudyConsumer>
{
    /// <summary>Sets the concurrency.</summary>
    public DeidentifyStudyConsumerDefinition() => ConcurrentMessageLimit = 2;

    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeidentifyStudyConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(StorageRetry.Configure);
}
