using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Store;
using Isocenter.ObjectStore;
using Microsoft.Extensions.Logging;

namespace Isocenter.Archive.Store;

/// <summary>An instance as its sender names it, before its dataset is read.</summary>
/// <param name="SopClassUid">SOP Class UID the sender gives (the C-STORE request, the Part 10 meta).</param>
/// <param name="SopInstanceUid">SOP Instance UID the sender gives.</param>
/// <param name="TransferSyntax">The transfer syntax the dataset is encoded in.</param>
/// <param name="SourceAETitle">The calling AE title (null for uploads through DICOMweb).</param>
/// <param name="StudyInstanceUid">The study the dataset must belong to (a STOW-RS to a study's URL), or null.</param>
public sealed record InstanceToStore(string SopClassUid, string SopInstanceUid, DicomTransferSyntax TransferSyntax, string? SourceAETitle, string? StudyInstanceUid = null);

/// <summary>The limits of <see cref="InstanceWriter.PutAsync"/>.</summary>
/// <param name="MaxHeaderLength">The most bytes read ahead of Pixel Data to find the UIDs and build the header.</param>
/// <param name="StoreTimeout">How long the object store may take to finish a put once the whole dataset has arrived.</param>
public sealed record InstanceWriteLimits(int MaxHeaderLength, TimeSpan StoreTimeout);

/// <summary>
/// Streams one dataset into the object store under <c>instances/{study}/{series}/{sop}.dcm</c> as a Part 10 file (the
/// dataset bytes exactly as received, after a File Meta Information of ours), once the elements before Pixel Data are parsed
/// and agree with what the sender named. What C-STORE (ingest) and STOW-RS (DICOMweb) share; announcing or indexing the
/// stored instance is theirs.
/// </summary>
public sealed partial class InstanceWriter(IObjectStore store, TimeProvider time, ILogger<InstanceWriter> logger)
{
    /// <summary>
    /// Stores the rest of <paramref name="dataset"/> (read asynchronously only) and describes the object. Throws
    /// <see cref="DimseFailureException"/> with a storage status of PS3.4 B.2.3, which STOW-RS's Failure Reason (PS3.18
    /// 10.5.3) uses too: Cannot understand (C000) for a malformed dataset or invalid UIDs, Data Set does not match SOP Class
    /// (A900) for another SOP class or study than named, Invalid SOP Instance (0117) for another instance, Out of resources
    /// (A700) for a header over <see cref="InstanceWriteLimits.MaxHeaderLength"/> or a store that fails or is too slow.
    /// Failures to read <paramref name="dataset"/> itself, and cancellation, are thrown as they are.
    /// </summary>
    public async Task<InstanceReceived> PutAsync(InstanceToStore instance, Stream dataset, InstanceWriteLimits limits, CancellationToken cancellationToken)
    {
        using var prefix = await DatasetPrefix.ReadAsync(dataset, instance.TransferSyntax, limits.MaxHeaderLength, cancellationToken);
        var (study, series) = Validate(instance, prefix.Dataset);
        var key = ObjectKeys.Instance(study, series, instance.SopInstanceUid);
        var header = InstanceHeader.ToJson(prefix.Dataset);

        using var part10 = new MemoryStream(512);
        DicomFileHeader.WritePart10Header(part10, instance.SopClassUid, instance.SopInstanceUid, instance.TransferSyntax, instance.SourceAETitle);
        // The store's time limit starts once the whole dataset has arrived: until then the sender sets the pace, and a
        // stalled sender is the transport's business.
        using var storeTimer = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var storeToken = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, storeTimer.Token);
        await using var upload = new InstanceUploadStream(part10.GetBuffer().AsMemory(0, (int)part10.Length), prefix.Bytes, dataset,
            () => storeTimer.CancelAfter(limits.StoreTimeout));
        try
        {
            await store.PutAsync(key, upload, storeToken.Token);
        }
        catch (Exception e) when (!upload.NetworkFailed && !cancellationToken.IsCancellationRequested)
        {
            var reason = storeTimer.IsCancellationRequested ? $"did not finish within {limits.StoreTimeout}" : $"failed: {e.Message}";
            LogStoreFailed(logger, e, key, reason);
            throw new DimseFailureException("C-STORE", DimseStatus.OutOfResources, $"The object store {reason}");
        }
        return new InstanceReceived(study, series, instance.SopInstanceUid, instance.SopClassUid, instance.TransferSyntax.Uid, key,
            upload.BytesRead, upload.Checksum, header, instance.SourceAETitle, time.GetUtcNow());
    }

    /// <summary>The Study and Series Instance UIDs, once the dataset agrees with the sender and its UIDs are valid.</summary>
    private static (string Study, string Series) Validate(InstanceToStore instance, DicomDataset dataset)
    {
        var sopClass = dataset.GetString(DicomTag.SOPClassUID);
        if (sopClass != instance.SopClassUid)
        {
            throw new DimseFailureException("C-STORE", DimseStatus.DataSetDoesNotMatchSopClass,
                $"SOP Class UID (0008,0016) is '{sopClass}' in the dataset but '{instance.SopClassUid}' in the request");
        }
        var sopInstance = dataset.GetString(DicomTag.SOPInstanceUID);
        if (sopInstance != instance.SopInstanceUid)
        {
            throw new DimseFailureException("C-STORE", InvalidSopInstance,
                $"SOP Instance UID (0008,0018) is '{sopInstance}' in the dataset but '{instance.SopInstanceUid}' in the request");
        }
        var study = dataset.GetString(DicomTag.StudyInstanceUID);
        var series = dataset.GetString(DicomTag.SeriesInstanceUID);
        foreach (var (name, uid) in (ReadOnlySpan<(string, string?)>)[("SOP Instance UID (0008,0018)", sopInstance), ("Study Instance UID (0020,000D)", study), ("Series Instance UID (0020,000E)", series)])
        {
            if (uid is null || !DicomUid.IsValid(uid))
            {
                throw new DimseFailureException("C-STORE", DimseStatus.CannotUnderstand,
                    uid is null ? $"The dataset has no {name}" : $"{name} '{uid}' is not a valid UID (PS3.5 9.1)");
            }
        }
        if (instance.StudyInstanceUid is { } target && study != target)
        {
            throw new DimseFailureException("C-STORE", DimseStatus.DataSetDoesNotMatchSopClass,
                $"Study Instance UID (0020,000D) is '{study}' in the dataset but '{target}' in the request");
        }
        return (study!, series!);
    }

    /// <summary>Invalid SOP Instance (0117, a general status of PS3.7 Annex C): the dataset names another instance than the request.</summary>
    private const ushort InvalidSopInstance = 0x0117;

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {ObjectKey}: the object store {Reason}")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string objectKey, string reason);
}
