namespace Isocenter.Pacs.Forward;

/// <summary>Settings of auto-forwarding (section <c>Pacs:Forward</c>).</summary>
public sealed class ForwardOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pacs:Forward";

    /// <summary>The longest wait between two tries to send an instance to a node that does not take it (the backoff doubles from 1 s up to it).</summary>
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an instance is retried before its message goes to the error queue (<c>pacs-forward-instance_error</c>).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long one delivery of a message is retried in place before it is queued again (behind the others): well under
    /// RabbitMQ's consumer timeout (30 min), which closes the channel of a message held unacknowledged longer.
    /// </summary>
    public TimeSpan HoldFor { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Instances sent at once (one association each).</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How long the rules are cached before they are read again (a change through this service's API is seen at once).</summary>
    public TimeSpan RuleRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);
}
