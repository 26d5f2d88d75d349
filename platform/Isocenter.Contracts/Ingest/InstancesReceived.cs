namespace Isocenter.Contracts.Ingest;

/// <summary>
/// Published (with publisher confirms) when SOP instances that arrived over DIMSE (ingest's C-STORE, the PACS service's
/// C-GET) have been written to the object store, before their senders are told they succeeded: the instances stored while
/// the previous announcement was being confirmed go out together, so the broker and every consumer handle a message per
/// group rather than per instance. The storage service indexes them. The same instance can arrive again (a re-send, a
/// redelivery): consumers are idempotent by SOP Instance UID. (STOW-RS and de-identified copies are indexed through
/// <c>IndexInstances</c> instead.)
/// </summary>
/// <param name="Instances">The instances, at least one.</param>
public sealed record InstancesReceived(IReadOnlyList<InstanceReceived> Instances);
