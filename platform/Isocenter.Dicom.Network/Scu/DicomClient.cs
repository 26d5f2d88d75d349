using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Isocenter.Dicom.IO;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Commitment;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Scu;

/// <summary>Outcome of sending one file.</summary>
/// <param name="Name">The file's name (its path, or the <see cref="DicomFileSource.Name"/> it was sent from).</param>
/// <param name="SopInstanceUid">Its SOP Instance UID, when its header could be read.</param>
/// <param name="Status">The C-STORE-RSP status, or null when it was not sent.</param>
/// <param name="Error">Why it was not sent or failed, or null.</param>
public sealed record CStoreResult(string Name, string? SopInstanceUid, ushort? Status, string? Error)
{
    /// <summary>True when the peer stored it (success or warning).</summary>
    public bool Succeeded => Status is { } status && DimseStatus.IsSuccessOrWarning(status);
}

/// <summary>Progress of <see cref="DicomClient.StoreAsync(IEnumerable{DicomFileSource}, IProgress{CStoreProgress}?, CancellationToken)"/>: files done out of the total, and the latest result.</summary>
public sealed record CStoreProgress(int Completed, int Total, CStoreResult Latest);

/// <summary>What <see cref="DicomClient.ProbeAsync"/> found: the SOP classes the peer accepted, and its C-ECHO-RSP status.</summary>
/// <param name="AcceptedSopClasses">The proposed SOP classes with an accepted presentation context.</param>
/// <param name="EchoStatus">The C-ECHO-RSP status, or null when Verification was not accepted.</param>
public sealed record AssociationProbe(IReadOnlySet<string> AcceptedSopClasses, ushort? EchoStatus);

/// <summary>A DICOM SCU: C-ECHO, C-STORE, C-FIND, C-MOVE and C-GET to one peer, each call on its own association.</summary>
public sealed class DicomClient(string host, int port, DicomClientOptions? options = null)
{
    private readonly DicomClientOptions _options = options ?? new DicomClientOptions();

    /// <summary>Opens an association, sends C-ECHO-RQ, releases; returns the C-ECHO-RSP status.</summary>
    public async Task<ushort> EchoAsync(CancellationToken cancellationToken = default)
    {
        var proposal = new PresentationContextItem(1, DicomUid.Verification, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]);
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, [proposal], cancellationToken);
        var context = association.Association.FindContext(DicomUid.Verification)
            ?? throw new DicomNetworkException("The peer did not accept the Verification SOP class");
        var response = await association.SendAsync(context, DicomCommand.CEchoRequest, null, cancellationToken);
        await association.ReleaseAsync(cancellationToken);
        return response.Status;
    }

    /// <summary>
    /// Opens one association proposing each of <paramref name="sopClassUids"/> (in Explicit and Implicit VR Little Endian),
    /// with the SCP role for <paramref name="scpRoleSopClassUids"/> (as a C-GET SCU proposes the storage classes it
    /// receives), sends C-ECHO-RQ when Verification was accepted, and releases: which of them the peer supports.
    /// </summary>
    public async Task<AssociationProbe> ProbeAsync(IReadOnlyList<string> sopClassUids, IReadOnlyList<string>? scpRoleSopClassUids = null, CancellationToken cancellationToken = default)
    {
        List<PresentationContextItem> contexts = [.. sopClassUids.Select((uid, i) => new PresentationContextItem((byte)(1 + 2 * i), uid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]))];
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, contexts, cancellationToken,
            [.. (scpRoleSopClassUids ?? []).Select(uid => new RoleSelection(uid, ScuRole: false, ScpRole: true))]);
        var accepted = association.Association.PresentationContexts.Values.Select(c => c.AbstractSyntax).ToHashSet(StringComparer.Ordinal);
        ushort? echo = null;
        if (association.Association.FindContext(DicomUid.Verification) is { } verification)
        {
            echo = (await association.SendAsync(verification, DicomCommand.CEchoRequest, null, cancellationToken)).Status;
        }
        await association.ReleaseAsync(cancellationToken);
        return new AssociationProbe(accepted, echo);
    }

    /// <summary>
    /// Opens an association, sends C-FIND-RQ with <paramref name="identifier"/> under <paramref name="sopClassUid"/> (Patient
    /// Root, Study Root, ...), yields each match as it arrives and releases after the final response. Breaking out of the
    /// enumeration or cancelling sends C-CANCEL-RQ and waits (bounded by the DIMSE timeout) for the final response.
    /// </summary>
    /// <exception cref="DimseFailureException">The peer answered with a failure status.</exception>
    public async IAsyncEnumerable<DicomDataset> FindAsync(string sopClassUid, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, [QueryProposal(sopClassUid)], cancellationToken);
        var (context, request) = await SendQueryAsync(association, sopClassUid, id => DicomCommand.CFindRequest(id, sopClassUid), identifier, cancellationToken);
        var final = false;
        try
        {
            while (true)
            {
                var (response, data) = await association.ReadResponseAsync(request, cancellationToken);
                if (!DimseStatus.IsPending(response.Status))
                {
                    final = true;
                    if (response.Status is not (DimseStatus.Success or DimseStatus.Cancel))
                    {
                        throw new DimseFailureException("C-FIND", response.Status, response.Dataset.GetString(DicomTag.ErrorComment));
                    }
                    break;
                }
                if (data is not null)
                {
                    yield return DimseDataSet.Decode(data, context.TransferSyntax);
                }
            }
        }
        finally
        {
            if (!final)
            {
                await CancelAsync(association, context, request);
            }
        }
        await association.ReleaseAsync(cancellationToken);
    }

    /// <summary>
    /// Opens an association, sends C-MOVE-RQ with <paramref name="identifier"/> under <paramref name="sopClassUid"/> (the
    /// Patient Root or Study Root MOVE SOP class), reports the sub-operation counts of each Pending response and returns the
    /// final one. The peer sends the instances to <paramref name="destinationAETitle"/> on an association of its own.
    /// Cancelling sends C-CANCEL-RQ and waits (bounded by the DIMSE timeout) for the final response.
    /// </summary>
    /// <exception cref="DimseFailureException">The peer answered with a failure status before any sub-operation (A801: destination unknown); one after some is in the result.</exception>
    public async Task<CRetrieveResult> MoveAsync(string sopClassUid, DicomDataset identifier, string destinationAETitle, IProgress<SubOperationCounts>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, [QueryProposal(sopClassUid)], cancellationToken);
        return await RetrieveAsync(association, "C-MOVE", sopClassUid, id => DicomCommand.CMoveRequest(id, sopClassUid, destinationAETitle), identifier, progress, cancellationToken);
    }

    /// <summary>
    /// Opens an association proposing the GET SOP class <paramref name="sopClassUid"/> and, with the SCP role (PS3.7
    /// D.3.3.4), <paramref name="storageSopClasses"/> (<see cref="GetStorageSopClasses"/> when null) in Explicit and
    /// Implicit VR Little Endian; sends C-GET-RQ and streams each C-STORE sub-operation the peer sends into
    /// <paramref name="sink"/> (as the SCP does for C-STORE), reporting the counts of each Pending response; returns the
    /// final one. Cancelling sends C-CANCEL-RQ and waits (bounded by the DIMSE timeout) for the final response.
    /// </summary>
    /// <exception cref="DimseFailureException">The peer answered with a failure status.</exception>
    public async Task<CRetrieveResult> GetAsync(string sopClassUid, DicomDataset identifier, ICStoreHandler sink, IReadOnlyCollection<string>? storageSopClasses = null,
        IProgress<SubOperationCounts>? progress = null, CancellationToken cancellationToken = default)
    {
        var classes = (storageSopClasses ?? GetStorageSopClasses).Take(127).ToList(); // 128 contexts at most, one for C-GET
        List<PresentationContextItem> contexts = [QueryProposal(sopClassUid),
            .. classes.Select((uid, i) => new PresentationContextItem((byte)(3 + 2 * i), uid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]))];
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, contexts, cancellationToken,
            [.. classes.Select(uid => new RoleSelection(uid, ScuRole: false, ScpRole: true))], sink);
        return await RetrieveAsync(association, "C-GET", sopClassUid, id => DicomCommand.CGetRequest(id, sopClassUid), identifier, progress, cancellationToken);
    }

    /// <summary>
    /// Asks the peer to commit to storing <paramref name="instances"/> (PS3.4 J.3.2): opens an association proposing the
    /// Storage Commitment Push Model SOP class, sends N-ACTION-RQ "Request Storage Commitment" under
    /// <paramref name="transactionUid"/> and reads the N-ACTION-RSP. The peer reports the result later with an
    /// N-EVENT-REPORT-RQ (PS3.4 J.3.3): this call waits <paramref name="reportWait"/> for one on the same association,
    /// answers it and returns its result; otherwise it releases and returns null, and the report comes on an association the
    /// peer opens to this side's SCP (a <see cref="Scp.DicomServer"/> with a
    /// <see cref="Scp.DicomServerOptions.StorageCommitmentReportHandler"/>), as Orthanc and most SCPs do.
    /// </summary>
    /// <exception cref="DimseFailureException">The peer refused the request.</exception>
    public async Task<StorageCommitmentResult?> RequestStorageCommitmentAsync(string transactionUid, IReadOnlyCollection<SopReference> instances, TimeSpan reportWait,
        CancellationToken cancellationToken = default)
    {
        var sopClass = DicomUid.StorageCommitmentPushModel;
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, [QueryProposal(sopClass)], cancellationToken);
        var context = association.Association.FindContext(sopClass)
            ?? throw new DicomNetworkException("The peer did not accept the Storage Commitment Push Model SOP class");
        using var information = DimseDataSet.Encode(StorageCommitment.ActionInformation(transactionUid, instances), context.TransferSyntax);
        var response = await association.SendAsync(context,
            id => DicomCommand.NActionRequest(id, sopClass, DicomUid.StorageCommitmentPushModelInstance, StorageCommitment.RequestActionTypeId), information, cancellationToken);
        if (response.Status != DimseStatus.Success)
        {
            throw new DimseFailureException("N-ACTION", response.Status, response.Dataset.GetString(DicomTag.ErrorComment));
        }
        StorageCommitmentResult? result = null;
        if (reportWait > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(reportWait);
            try
            {
                var (report, data, contextId) = await association.ReadRequestAsync(wait.Token);
                var accepted = report.CommandField == DimseCommandField.NEventReportRequest && data is not null;
                if (accepted)
                {
                    result = StorageCommitment.ReadEventInformation(DimseDataSet.Decode(data, context.TransferSyntax));
                }
                await association.SendResponseAsync(contextId, DicomCommand.ResponseTo(report, accepted ? DimseStatus.Success : (ushort)0x0211), cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // no report on this association: it comes on one of the peer's
            }
        }
        await association.ReleaseAsync(cancellationToken);
        return result;
    }

    /// <summary>The storage SOP classes <see cref="GetAsync"/> offers to receive by default: the common image, structured report and presentation state classes.</summary>
    public static IReadOnlyList<string> GetStorageSopClasses { get; } =
    [
        DicomUid.CTImageStorage, DicomUid.EnhancedCTImageStorage, DicomUid.MRImageStorage, DicomUid.EnhancedMRImageStorage,
        DicomUid.ComputedRadiographyImageStorage, DicomUid.DigitalXRayImageStorageForPresentation, DicomUid.DigitalMammographyXRayImageStorageForPresentation,
        DicomUid.UltrasoundImageStorage, DicomUid.UltrasoundMultiFrameImageStorage, DicomUid.SecondaryCaptureImageStorage,
        DicomUid.XRayAngiographicImageStorage, DicomUid.NuclearMedicineImageStorage, DicomUid.PositronEmissionTomographyImageStorage,
        DicomUid.RTImageStorage, DicomUid.RTDoseStorage, DicomUid.RTStructureSetStorage, DicomUid.RTPlanStorage,
        DicomUid.SegmentationStorage, DicomUid.BasicTextSRStorage, DicomUid.EnhancedSRStorage, DicomUid.ComprehensiveSRStorage,
        DicomUid.KeyObjectSelectionDocumentStorage, DicomUid.GrayscaleSoftcopyPresentationStateStorage, DicomUid.EncapsulatedPDFStorage,
    ];

    private static PresentationContextItem QueryProposal(string sopClassUid) =>
        new(1, sopClassUid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]);

    // Sends a C-FIND/C-MOVE/C-GET request and its identifier in the accepted context of the query SOP class.
    private static async Task<(PresentationContext Context, DicomCommand Request)> SendQueryAsync(ScuAssociation association, string sopClassUid, Func<ushort, DicomCommand> makeRequest,
        DicomDataset identifier, CancellationToken cancellationToken)
    {
        var context = association.Association.FindContext(sopClassUid)
            ?? throw new DicomNetworkException($"The peer did not accept {DicomUid.Find(sopClassUid)?.Name ?? sopClassUid}");
        using var encoded = DimseDataSet.Encode(identifier, context.TransferSyntax);
        return (context, await association.SendRequestAsync(context, makeRequest, encoded, cancellationToken));
    }

    private async Task<CRetrieveResult> RetrieveAsync(ScuAssociation association, string operation, string sopClassUid, Func<ushort, DicomCommand> makeRequest,
        DicomDataset identifier, IProgress<SubOperationCounts>? progress, CancellationToken cancellationToken)
    {
        var (context, request) = await SendQueryAsync(association, sopClassUid, makeRequest, identifier, cancellationToken);
        var final = false;
        try
        {
            while (true)
            {
                var (response, data) = await association.ReadResponseAsync(request, cancellationToken);
                if (DimseStatus.IsPending(response.Status))
                {
                    progress?.Report(response.SubOperations);
                    continue;
                }
                final = true;
                var error = response.Dataset.GetString(DicomTag.ErrorComment);
                var counts = response.SubOperations;
                var failed = data is not null ? DimseDataSet.Decode(data, context.TransferSyntax).GetStrings(DicomTag.FailedSOPInstanceUIDList)
                    : response.Dataset.GetStrings(DicomTag.FailedSOPInstanceUIDList); // where DCMTK-based peers put it (DicomCommand.Decode)
                // A failure status that ends sub-operations (some completed or failed) is a result the caller judges per
                // instance; one before any (refused, unknown destination) is thrown.
                if (!DimseStatus.IsSuccessOrWarning(response.Status) && response.Status != DimseStatus.Cancel
                    && counts.Completed + counts.Failed + counts.Warning == 0 && failed.Length == 0)
                {
                    throw new DimseFailureException(operation, response.Status, error);
                }
                await association.ReleaseAsync(cancellationToken);
                return new CRetrieveResult(response.Status, response.SubOperations, failed, error);
            }
        }
        finally
        {
            if (!final)
            {
                await CancelAsync(association, context, request);
            }
        }
    }

    // The caller stopped early (or cancelled, or a response could not be read): C-CANCEL-RQ, then the final response and
    // A-RELEASE, each bounded; anything going wrong leaves the association to be aborted when it is disposed.
    private async Task CancelAsync(ScuAssociation association, PresentationContext context, DicomCommand request)
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.DimseTimeout);
            await association.SendCancelAsync(context, request, timeout.Token);
            while (DimseStatus.IsPending((await association.ReadResponseAsync(request, timeout.Token)).Response.Status))
            {
            }
            await association.ReleaseAsync(timeout.Token);
        }
        catch (Exception e) when (e is DicomException or IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            await association.AbortAsync();
        }
    }

    /// <summary>
    /// Sends the files at <paramref name="paths"/> as <see cref="StoreAsync(IEnumerable{DicomFileSource}, IProgress{CStoreProgress}?, CancellationToken)"/> does.
    /// </summary>
    public Task<IReadOnlyList<CStoreResult>> StoreAsync(IEnumerable<string> paths, IProgress<CStoreProgress>? progress = null, CancellationToken cancellationToken = default) =>
        StoreAsync(paths.Select(DicomFileSource.FromPath), progress, cancellationToken);

    /// <summary>
    /// Sends the files, opening each only when its turn comes. Contexts are proposed for each SOP class in each file's
    /// transfer syntax and in Explicit/Implicit VR Little Endian; a file goes as stored when its syntax was accepted,
    /// otherwise re-encoded into an accepted little endian syntax (native pixel data only). One association serves files
    /// of the SOP classes and syntaxes seen so far; a file of another is sent on a new one proposing them all.
    /// </summary>
    public async Task<IReadOnlyList<CStoreResult>> StoreAsync(IEnumerable<DicomFileSource> sources, IProgress<CStoreProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var all = sources.ToList();
        var results = new List<CStoreResult>(all.Count);
        await SendFilesAsync(all, null, result =>
        {
            results.Add(result);
            progress?.Report(new CStoreProgress(results.Count, all.Count, result));
            return ValueTask.FromResult(true);
        }, cancellationToken);
        return results;
    }

    /// <summary>
    /// Sends the files, each opened when its turn comes, as C-STORE sub-operations of a C-MOVE when
    /// <paramref name="moveOriginator"/> is set; <paramref name="onResult"/> gets each outcome and returns false to stop.
    /// An association is opened for the first file whose header could be read, and again (after releasing the previous
    /// one) for a file whose SOP class and transfer syntax it did not propose.
    /// </summary>
    internal async Task SendFilesAsync(IEnumerable<DicomFileSource> sources, (string AETitle, ushort MessageId)? moveOriginator,
        Func<CStoreResult, ValueTask<bool>> onResult, CancellationToken cancellationToken)
    {
        ScuAssociation? association = null;
        var seen = new List<(string SopClassUid, DicomTransferSyntax Syntax)>();
        var proposed = new HashSet<(string, DicomTransferSyntax)>();
        async ValueTask<IStoreChannel> ChannelFor(DicomFileHeader header, CancellationToken token)
        {
            var kind = (header.SopClassUid, header.TransferSyntax);
            if (association is not null && proposed.Contains(kind))
            {
                return association;
            }
            if (association is not null)
            {
                await association.ReleaseAsync(token);
                await association.DisposeAsync();
                association = null;
            }
            seen.Remove(kind);
            seen.Insert(0, kind); // first, so that it is proposed whatever the limit
            var contexts = Propose(seen, proposed);
            association = await ScuAssociation.OpenAsync(host, port, _options, contexts, token);
            return association;
        }
        try
        {
            foreach (var source in sources)
            {
                if (!await onResult(await CStoreSender.SendAsync(source, ChannelFor, moveOriginator, cancellationToken)))
                {
                    break;
                }
            }
            if (association is not null)
            {
                await association.ReleaseAsync(cancellationToken);
            }
        }
        finally
        {
            if (association is not null)
            {
                await association.DisposeAsync();
            }
        }
    }

    // Contexts for each SOP class in each syntax of kinds and in Explicit/Implicit VR Little Endian (128 at most, PS3.8
    // 9.3.2.2: odd IDs 1-255); proposed gets the kinds that made it.
    private static List<PresentationContextItem> Propose(IEnumerable<(string SopClassUid, DicomTransferSyntax Syntax)> kinds, HashSet<(string, DicomTransferSyntax)> proposed)
    {
        proposed.Clear();
        var contexts = new List<PresentationContextItem>();
        var fallbacks = new HashSet<string>(StringComparer.Ordinal);
        var nextId = 1;
        foreach (var (sopClassUid, syntax) in kinds)
        {
            var needed = (syntax.Equals(DicomTransferSyntax.ExplicitVRLittleEndian) ? 0 : 2) + (fallbacks.Contains(sopClassUid) ? 0 : 2);
            if (nextId + needed > 257)
            {
                break;
            }
            if (!syntax.Equals(DicomTransferSyntax.ExplicitVRLittleEndian))
            {
                contexts.Add(new PresentationContextItem((byte)nextId, sopClassUid, [syntax.Uid]));
                nextId += 2;
            }
            if (fallbacks.Add(sopClassUid))
            {
                contexts.Add(new PresentationContextItem((byte)nextId, sopClassUid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]));
                nextId += 2;
            }
            proposed.Add((sopClassUid, syntax));
        }
        return contexts;
    }
}
