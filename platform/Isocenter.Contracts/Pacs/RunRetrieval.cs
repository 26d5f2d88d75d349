namespace Isocenter.Contracts.Pacs;

/// <summary>
/// Tells the PACS service to run (or resume) the retrieval recorded as job <paramref name="Id"/>: sent durably to its queue,
/// so that a retrieval survives a restart of the service.
/// </summary>
/// <param name="Id">The retrieval's id (a <c>pacs_job</c> row).</param>
public sealed record RunRetrieval(Guid Id);
