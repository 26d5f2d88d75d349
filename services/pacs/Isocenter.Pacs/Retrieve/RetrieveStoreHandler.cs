using Isocenter.Archive.Store;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Store;
using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Retrieve;

/// <summary>
/// The C-STORE sub-operations of a C-GET, into the archive exactly as ingest stores a C-STORE (<see cref="InstanceArchiver"/>:
/// written, announced, confirmed, then Success); the instance's source AE title is the node's.
/// </summary>
public sealed class RetrieveStoreHandler(InstanceArchiver archiver, IOptions<PacsOptions> options) : ICStoreHandler
{
    private readonly InstanceWriteLimits _limits = new(options.Value.MaxHeaderLength, options.Value.StoreTimeout);

    /// <inheritdoc/>
    public async ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
    {
        await archiver.ArchiveAsync(
            new InstanceToStore(request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CalledAETitle),
            dataset, _limits, options.Value.PublishTimeout, cancellationToken).ConfigureAwait(false);
        return DimseStatus.Success;
    }
}
