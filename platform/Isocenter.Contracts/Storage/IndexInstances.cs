using Isocenter.Contracts.Ingest;

namespace Isocenter.Contracts.Storage;

/// <summary>
/// Asks the storage service to index instances already in the object store, and to answer (<see cref="InstancesIndexed"/>)
/// once a query can see them: how DICOMweb's STOW-RS makes its uploads visible before it responds.
/// </summary>
/// <param name="Instances">The stored instances, described as ingest describes them.</param>
public sealed record IndexInstances(IReadOnlyList<InstanceReceived> Instances);

/// <summary>The answer to <see cref="IndexInstances"/>: the instances are indexed.</summary>
/// <param name="Count">How many were indexed (new or replaced).</param>
public sealed record InstancesIndexed(int Count);
