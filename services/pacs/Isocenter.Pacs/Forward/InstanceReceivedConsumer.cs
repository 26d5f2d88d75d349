using System.Text.Json;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Pacs;
using MassTransit;

namespace Isocenter.Pacs.Forward;

/// <summary>
/// Matches each received instance (<see cref="InstancesReceived"/>) against the enabled forward rules
/// (<see cref="ForwardRuleCache"/>) and publishes a <see cref="ForwardInstance"/> per matching rule, which
/// <see cref="ForwardInstanceConsumer"/> sends.
/// </summary>
public sealed partial class InstanceReceivedConsumer(ForwardRuleCache rules, ILogger<InstanceReceivedConsumer> logger) : IConsumer<InstancesReceived>
{
    /// <inheritdoc/>
    public async Task Consume(ConsumeContext<InstancesReceived> context)
    {
        var enabled = await rules.EnabledAsync(context.CancellationToken).ConfigureAwait(false);
        if (enabled.Count == 0)
        {
            return;
        }
        foreach (var instance in context.Message.Instances)
        {
            var modality = Modality(instance.Header);
            foreach (var rule in enabled.Where(r => r.Matches(instance.SourceAETitle, modality, instance.SopClassUid)))
            {
                LogMatched(logger, instance.SopInstanceUid, rule.Name, rule.Node);
                await context.Publish(new ForwardInstance(rule.Name, rule.Node, instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid,
                    instance.SopClassUid, instance.TransferSyntaxUid, instance.ObjectKey), context.CancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Modality (0008,0060) of a DICOM JSON header, or null.</summary>
    internal static string? Modality(string header)
    {
        using var json = JsonDocument.Parse(header);
        return json.RootElement.TryGetProperty("00080060", out var element) && element.TryGetProperty("Value", out var values)
            && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0 && values[0].ValueKind == JsonValueKind.String
            ? values[0].GetString()
            : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {SopInstanceUid} matches forward rule {Rule}: forwarding to {Node}")]
    private static partial void LogMatched(ILogger logger, string sopInstanceUid, string rule, string node);
}

/// <summary>Database failures (reading the rules) are retried after 1, 5 and 30 s, then the message goes to the error queue.</summary>
public sealed class InstanceReceivedConsumerDefinition : ConsumerDefinition<InstanceReceivedConsumer>
{
    /// <inheritdoc/>
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<InstanceReceivedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)));
}
