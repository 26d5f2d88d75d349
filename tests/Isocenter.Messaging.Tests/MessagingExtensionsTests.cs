using System.Collections.Concurrent;
using Isocenter.Contracts.Storage;
using Isocenter.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Isocenter.Messaging.Tests;

/// <summary>AddIsocenterMessaging against the real RabbitMQ of scripts/infra.sh, in a virtual host of its own per test.</summary>
public sealed class MessagingExtensionsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Publish_ConsumerOnAnotherService_DeliversThroughAQueueNamedAfterTheService()
    {
        var vhost = await LocalServers.CreateVirtualHostAsync("messaging");
        var received = new ConcurrentQueue<SeriesChanged>();
        using var consumer = await StartAsync(vhost, "probe", bus => bus.AddConsumer<RecordingConsumer>(), services => services.AddSingleton(received));
        using var publisher = await StartAsync(vhost, "publisher", _ => { });

        var message = new SeriesChanged("1.2.3", "1.2.3.4", 3, DateTimeOffset.UnixEpoch);
        await publisher.Services.GetRequiredService<IPublishEndpoint>().Publish(message); // completes when the broker has it

        await WaitUntilAsync(() => !received.IsEmpty);
        Assert.Equal(message, Assert.Single(received));
        Assert.Equal("probe-recording", MessagingExtensions.EndpointNames("probe").Consumer<RecordingConsumer>());
    }

    [Fact]
    public async Task Consume_ConsumerAlwaysFails_MessageEndsInTheErrorQueueNotLost()
    {
        var vhost = await LocalServers.CreateVirtualHostAsync("messaging");
        var faults = new ConcurrentQueue<Fault<SeriesChanged>>();
        using var consumer = await StartAsync(vhost, "probe", bus =>
        {
            bus.AddConsumer<FailingConsumer>();
            bus.AddConsumer<FaultRecordingConsumer>();
        }, services => services.AddSingleton(faults));

        await consumer.Services.GetRequiredService<IPublishEndpoint>().Publish(new SeriesChanged("1.2.3", "1.2.3.9", 1, DateTimeOffset.UnixEpoch));

        // MassTransit publishes Fault<T> when it moves a message to <queue>_error.
        await WaitUntilAsync(() => !faults.IsEmpty);
        Assert.Equal("1.2.3.9", Assert.Single(faults).Message.SeriesInstanceUid);
    }

    [Fact]
    public async Task Health_BrokerReachable_BusIsHealthy()
    {
        var vhost = await LocalServers.CreateVirtualHostAsync("messaging");
        using var host = await StartAsync(vhost, "probe", _ => { });

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains(report.Entries.Keys, name => name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void AddIsocenterMessaging_NoConnectionString_SaysWhatToSet()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:RabbitMq"] = "";

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddIsocenterMessaging("probe", _ => { }));

        Assert.Contains("ConnectionStrings:RabbitMq", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartAsync(Uri vhost, string service, Action<IBusRegistrationConfigurator> configure, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:RabbitMq"] = vhost.ToString();
        builder.Services.AddHealthChecks();
        services?.Invoke(builder.Services);
        builder.AddIsocenterMessaging(service, configure);
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        await host.StartAsync(timeout.Token);
        return host;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private sealed class RecordingConsumer(ConcurrentQueue<SeriesChanged> received) : IConsumer<SeriesChanged>
    {
        public Task Consume(ConsumeContext<SeriesChanged> context)
        {
            received.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    private sealed class FailingConsumer : IConsumer<SeriesChanged>
    {
        public Task Consume(ConsumeContext<SeriesChanged> context) => throw new InvalidOperationException("always fails");
    }

    private sealed class FaultRecordingConsumer(ConcurrentQueue<Fault<SeriesChanged>> faults) : IConsumer<Fault<SeriesChanged>>
    {
        public Task Consume(ConsumeContext<Fault<SeriesChanged>> context)
        {
            faults.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}
