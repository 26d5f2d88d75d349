using Isocenter.Dicom;
using Isocenter.Dicom.Network.Query;
using Isocenter.Index;

namespace Isocenter.Ingest.Query;

/// <summary>C-FIND from the archive's index: the identifier checked against its model (<see cref="QueryModel"/>), the matches streamed back as the index yields them.</summary>
internal sealed class IndexFindHandler(IIndexStore index) : ICFindHandler
{
    /// <inheritdoc/>
    public IAsyncEnumerable<DicomDataset> OnCFindAsync(CFindRequest request, CancellationToken cancellationToken) =>
        index.FindAsync(QueryModel.ToQuery("C-FIND", request.SopClassUid, request.Identifier, retrieve: false), cancellationToken);
}
