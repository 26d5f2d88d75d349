using Isocenter.Contracts.Ingest;
using MassTransit;

namespace Isocenter.Archive.Store;

/// <summary>
/// Announces stored instances by group commit: one <see cref="InstancesReceived"/> at a time is being published and
/// confirmed, and the instances stored meanwhile wait and go out together in the next one (at most
/// <see cref="MaxInstances"/> instances, and <see cref="MaxHeaderChars"/> characters of headers beyond the first). A lone
/// sender's instance goes out at once, alone; concurrent senders share messages, so the broker and every consumer handle
/// fewer of them exactly when the archive is busiest.
/// </summary>
internal sealed class InstanceAnnouncer(IBus bus, TimeProvider time)
{
    /// <summary>The most instances in one message.</summary>
    public const int MaxInstances = 100;

    /// <summary>The most characters of DICOM JSON headers in one message, beyond its first instance's.</summary>
    public const int MaxHeaderChars = 4 << 20;

    private readonly Lock _lock = new();
    private readonly Queue<Pending> _waiting = new();
    private bool _publishing;

    /// <summary>
    /// Completes once the broker has confirmed a message holding <paramref name="instance"/>. Throws what the publish threw,
    /// or a <see cref="TimeoutException"/> when that did not happen within <paramref name="timeout"/> (waiting included).
    /// <paramref name="cancellationToken"/> only ends the caller's wait, not the publish.
    /// </summary>
    public Task AnnounceAsync(InstanceReceived instance, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pending = new Pending(instance, timeout);
        bool start;
        lock (_lock)
        {
            _waiting.Enqueue(pending);
            start = !_publishing;
            _publishing = true;
        }
        if (start)
        {
            _ = Task.Run(PublishWaitingAsync, CancellationToken.None);
        }
        return pending.Confirmed.Task.WaitAsync(timeout, time, cancellationToken);
    }

    /// <summary>Publishes what is waiting, group after group, until nothing is.</summary>
    private async Task PublishWaitingAsync()
    {
        while (TakeGroup() is { } group)
        {
            var limit = group.Max(p => p.Timeout);
            using var timeout = new CancellationTokenSource(limit, time);
            try
            {
                // Mandatory: a message no queue is bound for (the storage service never started on this broker) is
                // returned, and fails, instead of vanishing.
                await bus.Publish(new InstancesReceived([.. group.Select(p => p.Instance)]), context =>
                {
                    if (context.TryGetPayload(out RabbitMqSendContext? rabbit))
                    {
                        rabbit.Mandatory = true;
                    }
                }, timeout.Token).ConfigureAwait(false);
                group.ForEach(p => p.Confirmed.TrySetResult());
            }
            catch (Exception e)
            {
                var failure = timeout.IsCancellationRequested ? new TimeoutException($"The broker did not confirm within {limit}", e) : e;
                group.ForEach(p => p.Confirmed.TrySetException(failure));
            }
        }
    }

    /// <summary>The next group to publish, or null (and no longer publishing) when nothing waits.</summary>
    private List<Pending>? TakeGroup()
    {
        lock (_lock)
        {
            if (_waiting.Count == 0)
            {
                _publishing = false;
                return null;
            }
            var group = new List<Pending> { _waiting.Dequeue() };
            var headerChars = 0L;
            while (group.Count < MaxInstances && _waiting.TryPeek(out var next) && headerChars + next.Instance.Header.Length <= MaxHeaderChars)
            {
                headerChars += next.Instance.Header.Length;
                group.Add(_waiting.Dequeue());
            }
            return group;
        }
    }

    private sealed record Pending(InstanceReceived Instance, TimeSpan Timeout)
    {
        public TaskCompletionSource Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
