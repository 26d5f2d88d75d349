using Isocenter.Contracts.Pacs;
using Isocenter.Pacs.Jobs;
using MassTransit;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// A running retrieval's state: changed synchronously (progress reports arrive on the network's thread), written to
/// <c>pacs_job</c> and published as <see cref="RetrievalChanged"/> at most every <see cref="Interval"/> while only counts
/// change, and at once when a state changes.
/// </summary>
internal sealed class RetrievalTracker(PacsJob job, JobStore jobs, IBus bus, TimeProvider time) : IDisposable
{
    /// <summary>The shortest time between two progress-only updates (4 a second).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private RetrievalProgress _progress = job.ProgressAs<RetrievalProgress>();
    private (string State, string? Error, int Attempts) _status = (job.State, job.Error, job.Attempts);
    private bool _dirty;

    /// <summary>The job as last written.</summary>
    public PacsJob Job { get; private set; } = job;

    /// <summary>The progress now.</summary>
    public RetrievalProgress Progress
    {
        get
        {
            lock (_lock)
            {
                return _progress;
            }
        }
    }

    /// <summary>Changes the progress (not written yet).</summary>
    public void Update(Func<RetrievalProgress, RetrievalProgress> change)
    {
        lock (_lock)
        {
            _progress = change(_progress);
            _dirty = true;
        }
    }

    /// <summary>Changes one series (not written yet).</summary>
    public void UpdateSeries(string seriesInstanceUid, Func<RetrievalSeries, RetrievalSeries> change) =>
        Update(p => p with { Series = [.. p.Series.Select(s => s.SeriesInstanceUid == seriesInstanceUid ? change(s) : s)] });

    /// <summary>Sets the job's state, error and attempts and writes everything now.</summary>
    public Task SetStateAsync(string state, string? error, int attempts, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _status = (state, error, attempts);
            _dirty = true;
        }
        return FlushAsync(cancellationToken);
    }

    /// <summary>Writes and publishes what changed since the last time, if anything did.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RetrievalProgress progress;
            (string State, string? Error, int Attempts) status;
            lock (_lock)
            {
                if (!_dirty)
                {
                    return;
                }
                (progress, status, _dirty) = (_progress, _status, false);
            }
            Job = await jobs.UpdateAsync(Job, status.State, progress, status.Error, status.Attempts, cancellationToken).ConfigureAwait(false);
            await bus.Publish(RetrievalProgress.Describe(Job), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Flushes every <see cref="Interval"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task FlushPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The retrieval is over: its last state is flushed by SetStateAsync.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _flushing.Dispose();
}
