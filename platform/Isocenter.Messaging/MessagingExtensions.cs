using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Isocenter.Messaging;

/// <summary><c>AddIsocenterMessaging()</c>: every service's one call to join the broker.</summary>
public static class MessagingExtensions
{
    /// <summary>The connection string holding the broker's AMQP URI (<c>ConnectionStrings__RabbitMq</c>).</summary>
    public const string ConnectionStringName = "RabbitMq";

    /// <summary>Queue names of a service: kebab-case with the service as prefix (<c>storage-instance-received</c>).</summary>
    public static IEndpointNameFormatter EndpointNames(string service) => new KebabCaseEndpointNameFormatter(service, includeNamespace: false);

    /// <summary>
    /// A queue name of this process alone, <c>{prefix}-{machine}-{random}</c>, for <see cref="AddInstanceConsumer{TConsumer}"/>.
    /// </summary>
    public static string InstanceEndpoint(string prefix) => $"{prefix}-{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid():N}";

    /// <summary>
    /// A consumer that every instance of the service runs for every message (to drop its own cache, to tell its own
    /// subscribers), instead of one instance taking each: it reads the temporary queue <paramref name="endpoint"/>
    /// (<see cref="InstanceEndpoint"/>), which the broker deletes when the process stops. Consumers of one process share it.
    /// </summary>
    public static IBusRegistrationConfigurator AddInstanceConsumer<TConsumer>(this IBusRegistrationConfigurator bus, string endpoint)
        where TConsumer : class, IConsumer
    {
        bus.AddConsumer<TConsumer>().Endpoint(e =>
        {
            e.Name = endpoint;
            e.Temporary = true;
        });
        return bus;
    }

    /// <summary>
    /// MassTransit on RabbitMQ at <c>ConnectionStrings:RabbitMq</c> (<c>amqp://user:password@host:port/vhost</c>): queues
    /// named by <see cref="EndpointNames"/>, publisher confirms (a publish completes once the broker has the message), failed messages retried by
    /// the consumers' own policies and then moved to the <c>_error</c> queue, never dropped. <paramref name="configure"/>
    /// adds the service's consumers and request clients. The bus's health check joins <c>/health</c>.
    /// </summary>
    public static TBuilder AddIsocenterMessaging<TBuilder>(this TBuilder builder, string service, Action<IBusRegistrationConfigurator> configure)
        where TBuilder : IHostApplicationBuilder
    {
        var uri = builder.Configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } value
            ? new Uri(value)
            : throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} (the RabbitMQ URI, e.g. amqp://isocenter:isocenter@127.0.0.1:55672/) is not configured; ./dev.sh sets it from dev.env.");
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(EndpointNames(service));
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(uri, host => host.PublisherConfirmation = true);
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
