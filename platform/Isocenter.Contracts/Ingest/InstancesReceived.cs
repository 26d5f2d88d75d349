namespace Isocenter.Contracts.Ingest;

/// <summary>
/// Published (with publisher confirms) when SOP instances have been written to the object store, before their senders are
/// told they succeeded: the instances stored together (C-STOREs that finished while the previous announcement was being
/// confirmed, one STOW-RS request, one de-identified study), one message for all of them, so the broker and every consumer
/// handle a message per group rather than per instance. The storage service indexes them. The same instance can arrive
/// again (a re-send, a redelivery): consumers are idempotent by SOP Instance UID.
/// </summary>
/// <param name="Instances">The instances, at least one.</param>
public sealed record InstancesReceived(IReadOnlyList<InstanceReceived> Instances);
