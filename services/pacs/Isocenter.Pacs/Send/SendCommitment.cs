using System.Globalization;
using System.Numerics;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Pacs;
using Isocenter.Pacs.Jobs;
using MassTransit;

namespace Isocenter.Pacs.Send;

/// <summary>
/// Storage commitment of sends (PS3.4 J.3): the Transaction UID of a send is its id as a UUID-derived UID (<c>2.25.…</c>,
/// PS3.5 B.2), so that a report names its send; a report moves a completed send to <see cref="PacsJobStates.Committed"/>,
/// or to partial with the instances not committed listed among the failed ones.
/// </summary>
public sealed partial class SendCommitment(JobStore jobs, IBus bus, ILogger<SendCommitment> logger)
{
    private const string UuidRoot = "2.25.";

    /// <summary>The Transaction UID of send <paramref name="id"/>.</summary>
    public static string TransactionUid(Guid id) =>
        UuidRoot + new BigInteger(id.ToByteArray(bigEndian: true), isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);

    /// <summary>The send a Transaction UID names, or null when it is not one of ours.</summary>
    public static Guid? SendId(string transactionUid)
    {
        if (!transactionUid.StartsWith(UuidRoot, StringComparison.Ordinal)
            || !BigInteger.TryParse(transactionUid.AsSpan(UuidRoot.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value.GetByteCount(isUnsigned: true) > 16)
        {
            return null;
        }
        var bytes = new byte[16];
        value.TryWriteBytes(bytes.AsSpan(16 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// Applies a storage commitment result to the send it names: committed when every instance sent is, partial otherwise.
    /// False when it names no send of ours.
    /// </summary>
    /// <exception cref="InvalidOperationException">The send is still running (the report came before its end was recorded): try again later.</exception>
    public async Task<bool> ApplyAsync(string transactionUid, IReadOnlyCollection<string> failedInstances, CancellationToken cancellationToken)
    {
        if (SendId(transactionUid) is not { } id || await jobs.GetAsync(JobKinds.Send, id, cancellationToken).ConfigureAwait(false) is not { } job)
        {
            return false;
        }
        if (!PacsJobStates.IsFinished(job.State))
        {
            throw new InvalidOperationException($"Send {id} is {job.State}: its storage commitment report is applied once it has finished.");
        }
        if (job.State is PacsJobStates.Failed or PacsJobStates.Committed)
        {
            return true;
        }
        var progress = job.ProgressAs<SendProgress>();
        var (state, error) = (job.State, job.Error);
        if (failedInstances.Count == 0)
        {
            state = job.State == PacsJobStates.Completed ? PacsJobStates.Committed : job.State;
        }
        else
        {
            var failed = progress.FailedInstances.Union(failedInstances, StringComparer.Ordinal).ToList();
            progress = progress with { Completed = progress.Total - failed.Count, Failed = failed.Count, FailedInstances = failed };
            state = PacsJobStates.Partial;
            error = $"{failedInstances.Count} of the instances sent were not committed by '{job.Node}' (storage commitment failures).";
        }
        var updated = await jobs.UpdateAsync(job, state, progress, error, job.Attempts, cancellationToken).ConfigureAwait(false);
        await bus.Publish(SendJob.ToSend(updated), cancellationToken).ConfigureAwait(false);
        LogApplied(logger, id, state, failedInstances.Count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Send {Id}: storage commitment reported, now {State} ({Failed} not committed)")]
    private static partial void LogApplied(ILogger logger, Guid id, string state, int failed);
}

/// <summary>Applies the storage commitment reports ingest receives (<see cref="StorageCommitmentReported"/>) to their sends.</summary>
public sealed class StorageCommitmentReportedConsumer(SendCommitment commitment) : IConsumer<StorageCommitmentReported>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<StorageCommitmentReported> context) =>
        commitment.ApplyAsync(context.Message.TransactionUid, context.Message.FailedInstances, context.CancellationToken);
}

/// <summary>A report that comes before its send has finished is tried again after 1, 5 and 30 s.</summary>
public sealed class StorageCommitmentReportedConsumerDefinition : ConsumerDefinition<StorageCommitmentReportedConsumer>
{
    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<StorageCommitmentReportedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
}
