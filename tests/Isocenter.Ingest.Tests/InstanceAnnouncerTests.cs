using System.Threading.Channels;
using Isocenter.Archive.Store;
using Isocenter.Contracts.Ingest;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Isocenter.Ingest.Tests;

/// <summary>
/// The group commit of <see cref="InstanceAnnouncer"/>, on MassTransit's in-memory harness with the publish held at a gate:
/// what arrives while a message is being confirmed goes out together next, failures and time limits reach every instance
/// of their message.
/// </summary>
public sealed class InstanceAnnouncerTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly PublishGate _gate = new();
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private InstanceAnnouncer _announcer = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _harness.Bus.ConnectPublishObserver(_gate);
        _announcer = new InstanceAnnouncer(_harness.Bus, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        _gate.OpenAll();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Announce_WhileAMessageIsBeingConfirmed_TheInstancesArrivingMeanwhileGoOutTogetherNext()
    {
        var first = _announcer.AnnounceAsync(Instance(1), Long, CancellationToken.None);
        await _gate.Held(1);
        Task[] meanwhile = [.. Enumerable.Range(2, 3).Select(i => _announcer.AnnounceAsync(Instance(i), Long, CancellationToken.None))];
        Assert.False(first.IsCompleted);

        _gate.OpenAll();
        await first;
        await Task.WhenAll(meanwhile);

        Assert.Equal([["2.25.1"], ["2.25.2", "2.25.3", "2.25.4"]], await PublishedAsync(2));
    }

    [Fact]
    public async Task Announce_HeadersOverTheLimitTogether_SplitIntoMessagesUnderIt()
    {
        var header = new string(' ', InstanceAnnouncer.MaxHeaderChars / 2 + 1);
        var first = _announcer.AnnounceAsync(Instance(1), Long, CancellationToken.None);
        await _gate.Held(1);
        Task[] meanwhile = [.. Enumerable.Range(2, 4).Select(i => _announcer.AnnounceAsync(Instance(i) with { Header = header }, Long, CancellationToken.None))];

        _gate.OpenAll();
        await Task.WhenAll([first, .. meanwhile]);

        // Beyond a message's first header, at most MaxHeaderChars: two of these per message.
        Assert.Equal([["2.25.1"], ["2.25.2", "2.25.3"], ["2.25.4", "2.25.5"]], await PublishedAsync(3));
    }

    [Fact]
    public async Task Announce_PublishOfAGroupFails_EveryInstanceInItFailsAndTheNextAnnouncementSucceeds()
    {
        var first = _announcer.AnnounceAsync(Instance(1), Long, CancellationToken.None);
        await _gate.Held(1);
        _gate.FailNext(new InvalidOperationException("the broker refused it"));
        Task[] meanwhile = [.. Enumerable.Range(2, 2).Select(i => _announcer.AnnounceAsync(Instance(i), Long, CancellationToken.None))];

        _gate.OpenAll();
        await first;
        foreach (var failed in meanwhile)
        {
            Assert.Equal("the broker refused it", (await Assert.ThrowsAsync<InvalidOperationException>(() => failed)).Message);
        }
        await _announcer.AnnounceAsync(Instance(4), Long, CancellationToken.None);
    }

    [Fact]
    public async Task Announce_NotConfirmedInTime_TimeoutExceptionForTheCaller()
    {
        var held = _announcer.AnnounceAsync(Instance(1), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        await _gate.Held(1);

        await Assert.ThrowsAsync<TimeoutException>(() => held);
    }

    private static InstanceReceived Instance(int number) =>
        new("2.25.9", "2.25.9.1", $"2.25.{number}", "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1", $"instances/2.25.9/2.25.9.1/2.25.{number}.dcm",
            1, new string('0', 64), "{}", "TEST", DateTimeOffset.UnixEpoch);

    /// <summary>The SOP Instance UIDs of each of the first <paramref name="count"/> messages published, in order.</summary>
    private async Task<string[][]> PublishedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var published = new List<IPublishedMessage<InstancesReceived>>();
        await foreach (var message in _harness.Published.SelectAsync<InstancesReceived>(timeout.Token))
        {
            published.Add(message);
            if (published.Count == count)
            {
                break;
            }
        }
        return [.. published.OrderBy(m => m.StartTime).Select(m => m.Context.Message.Instances.Select(i => i.SopInstanceUid).ToArray())];
    }

    /// <summary>Holds every publish until opened, counting those held; can make the next publish after the held ones fail.</summary>
    private sealed class PublishGate : IPublishObserver
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<int> _entered = Channel.CreateUnbounded<int>();
        private int _published;
        private int _failAt;
        private Exception? _failure;

        public async Task PrePublish<T>(PublishContext<T> context)
            where T : class
        {
            var number = Interlocked.Increment(ref _published);
            _entered.Writer.TryWrite(number);
            await _open.Task;
            if (number == Volatile.Read(ref _failAt) && _failure is { } failure)
            {
                throw failure;
            }
        }

        /// <summary>Waits until <paramref name="count"/> publishes have reached the gate.</summary>
        public async Task Held(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            for (var i = 0; i < count; i++)
            {
                await _entered.Reader.ReadAsync(timeout.Token);
            }
        }

        /// <summary>The publish after those that reached the gate so far throws <paramref name="failure"/>.</summary>
        public void FailNext(Exception failure)
        {
            _failure = failure;
            Volatile.Write(ref _failAt, Volatile.Read(ref _published) + 1);
        }

        public void OpenAll() => _open.TrySetResult();

        public Task PostPublish<T>(PublishContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception)
            where T : class => Task.CompletedTask;
    }
}
