using System.Threading.Channels;
using Isocenter.Contracts.Ingest;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Isocenter.Ingest.Tests;

/// <summary>A consumer of <see cref="InstancesReceived"/>, instance by instance, on its own bus and queue in the test's virtual host, as the storage service will be.</summary>
public sealed class InstanceReceivedCollector : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly Channel<InstanceReceived> _received;

    private InstanceReceivedCollector(ServiceProvider provider, Channel<InstanceReceived> received)
    {
        _provider = provider;
        _received = received;
    }

    /// <summary>Starts the bus; its queue is bound once this returns, so nothing published afterwards is missed.</summary>
    public static async Task<InstanceReceivedCollector> StartAsync(Uri rabbitMq)
    {
        var received = Channel.CreateUnbounded<InstanceReceived>();
        var provider = new ServiceCollection()
            .AddSingleton(received)
            .AddMassTransit(bus =>
            {
                bus.AddConsumer<TestInstanceReceivedConsumer>();
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(rabbitMq);
                    rabbit.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await provider.GetRequiredService<IBusControl>().StartAsync(timeout.Token);
        return new InstanceReceivedCollector(provider, received);
    }

    /// <summary>The next <paramref name="count"/> instances announced (waits, bounded, for them to arrive).</summary>
    public async Task<List<InstanceReceived>> TakeAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var messages = new List<InstanceReceived>(count);
        try
        {
            while (messages.Count < count)
            {
                messages.Add(await _received.Reader.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{messages.Count} instances of {count} were announced within 60 s");
        }
        return messages;
    }

    /// <summary>Instances announced and not taken.</summary>
    public int Pending => _received.Reader.Count;

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync();
        await _provider.DisposeAsync();
    }

    private sealed class TestInstanceReceivedConsumer(Channel<InstanceReceived> received) : IConsumer<InstancesReceived>
    {
        public async Task Consume(ConsumeContext<InstancesReceived> context)
        {
            foreach (var instance in context.Message.Instances)
            {
                await received.Writer.WriteAsync(instance);
            }
        }
    }
}
