namespace Isocenter.Contracts.Pacs;

/// <summary>
/// Tells the PACS service to run (or resume) the send recorded as job <paramref name="Id"/>: sent durably to its queue, so
/// that a send survives a restart of the service.
/// </summary>
/// <param name="Id">The send's id (a <c>pacs_job</c> row).</param>
public sealed record RunSend(Guid Id);
