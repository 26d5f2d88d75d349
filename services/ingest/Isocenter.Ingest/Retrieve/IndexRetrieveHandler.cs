using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Index;
using Isocenter.Ingest.Query;
using Isocenter.ObjectStore;

namespace Isocenter.Ingest.Retrieve;

/// <summary>
/// C-MOVE and C-GET from the archive: the identifier checked against its model (<see cref="QueryModel"/>), the instances
/// listed by the index, each sent from its object in the store, opened only when its sub-operation starts.
/// </summary>
internal sealed class IndexRetrieveHandler(IIndexStore index, IObjectStore store) : ICRetrieveHandler
{
    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<DicomFileSource>> OnCRetrieveAsync(CRetrieveRequest request, CancellationToken cancellationToken)
    {
        var operation = request.Command.CommandField == Dicom.Network.Dimse.DimseCommandField.CMoveRequest ? "C-MOVE" : "C-GET";
        var instances = await index.ListInstancesAsync(QueryModel.ToQuery(operation, request.SopClassUid, request.Identifier, retrieve: true), cancellationToken);
        return [.. instances.Select(instance => new DicomFileSource(instance.ObjectKey, token => store.OpenReadAsync(instance.ObjectKey, token)))];
    }
}
