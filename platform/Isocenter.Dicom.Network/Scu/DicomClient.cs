using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Isocenter.Dicom.IO;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Scu;

/// <summary>Outcome of sending one file.</summary>
/// <param name="Path">The file.</param>
/// <param name="SopInstanceUid">Its SOP Instance UID, when its header could be read.</param>
/// <param name="Status">The C-STORE-RSP status, or null when it was not sent.</param>
/// <param name="Error">Why it was not sent or failed, or null.</param>
public sealed record CStoreResult(string Path, string? SopInstanceUid, ushort? Status, string? Error)
{
    /// <summary>True when the peer stored it (success or warning).</summary>
    public bool Succeeded => Status is { } status && DimseStatus.IsSuccessOrWarning(status);
}

/// <summary>Progress of <see cref="DicomClient.StoreAsync"/>: files done out of the total, and the latest result.</summary>
public sealed record CStoreProgress(int Completed, int Total, CStoreResult Latest);

/// <summary>A DICOM SCU: C-ECHO, C-STORE and C-FIND to one peer, each call on its own association.</summary>
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
    /// Opens an association, sends C-FIND-RQ with <paramref name="identifier"/> under <paramref name="sopClassUid"/> (Patient
    /// Root, Study Root, ...), yields each match as it arrives and releases after the final response. Breaking out of the
    /// enumeration or cancelling sends C-CANCEL-RQ and waits (bounded by the DIMSE timeout) for the final response.
    /// </summary>
    /// <exception cref="DimseFailureException">The peer answered with a failure status.</exception>
    public async IAsyncEnumerable<DicomDataset> FindAsync(string sopClassUid, DicomDataset identifier, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var proposal = new PresentationContextItem(1, sopClassUid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]);
        await using var association = await ScuAssociation.OpenAsync(host, port, _options, [proposal], cancellationToken);
        var context = association.Association.FindContext(sopClassUid)
            ?? throw new DicomNetworkException($"The peer did not accept {DicomUid.Find(sopClassUid)?.Name ?? sopClassUid}");
        DicomCommand request;
        using (var encoded = DimseDataSet.Encode(identifier, context.TransferSyntax))
        {
            request = await association.SendRequestAsync(context, id => DicomCommand.CFindRequest(id, sopClassUid), encoded, cancellationToken);
        }
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
    /// Sends the files on one association. Contexts are proposed for each SOP class in each file's transfer syntax and in
    /// Explicit/Implicit VR Little Endian; a file goes as stored when its syntax was accepted, otherwise re-encoded into an
    /// accepted little endian syntax (native pixel data only).
    /// </summary>
    public async Task<IReadOnlyList<CStoreResult>> StoreAsync(IEnumerable<string> paths, IProgress<CStoreProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var results = new List<CStoreResult>();
        var files = new List<(string Path, DicomFileHeader Header)>();
        foreach (var path in paths)
        {
            try
            {
                files.Add((path, DicomFileHeader.Read(path)));
            }
            catch (Exception e) when (e is DicomException or IOException or UnauthorizedAccessException)
            {
                results.Add(new CStoreResult(path, null, null, e.Message));
            }
        }
        var total = results.Count + files.Count;
        foreach (var failed in results)
        {
            progress?.Report(new CStoreProgress(results.IndexOf(failed) + 1, total, failed));
        }
        if (files.Count == 0)
        {
            return results;
        }

        await using var association = await ScuAssociation.OpenAsync(host, port, _options, Propose(files.Select(f => f.Header)), cancellationToken);
        foreach (var (path, header) in files)
        {
            var result = await StoreOneAsync(association, path, header, cancellationToken);
            results.Add(result);
            progress?.Report(new CStoreProgress(results.Count, total, result));
        }
        await association.ReleaseAsync(cancellationToken);
        return results;
    }

    private static async Task<CStoreResult> StoreOneAsync(ScuAssociation association, string path, DicomFileHeader header, CancellationToken cancellationToken)
    {
        var accepted = association.Association;
        var asStored = accepted.FindContext(header.SopClassUid, header.TransferSyntax);
        Stream dataset;
        PresentationContext context;
        if (asStored is not null)
        {
            context = asStored;
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            file.Seek(header.DataSetOffset, SeekOrigin.Begin);
            dataset = file;
        }
        else if (!header.TransferSyntax.IsEncapsulated
            && (accepted.FindContext(header.SopClassUid, DicomTransferSyntax.ExplicitVRLittleEndian) ?? accepted.FindContext(header.SopClassUid, DicomTransferSyntax.ImplicitVRLittleEndian)) is { } fallback)
        {
            context = fallback;
            var buffer = new MemoryStream();
            DicomWriter.Write(buffer, DicomFile.Open(path).Dataset, fallback.TransferSyntax);
            buffer.Position = 0;
            dataset = buffer;
        }
        else
        {
            return new CStoreResult(path, header.SopInstanceUid, null, $"no presentation context accepted for {header.SopClassUid} in {header.TransferSyntax.Name}");
        }
        await using (dataset)
        {
            var response = await association.SendAsync(context, id => DicomCommand.CStoreRequest(id, header.SopClassUid, header.SopInstanceUid), dataset, cancellationToken);
            return new CStoreResult(path, header.SopInstanceUid, response.Status, response.Dataset.GetString(DicomTag.ErrorComment));
        }
    }

    private static List<PresentationContextItem> Propose(IEnumerable<DicomFileHeader> headers)
    {
        var contexts = new List<PresentationContextItem>();
        var seen = new HashSet<(string, string)>();
        var fallbacks = new HashSet<string>(StringComparer.Ordinal);
        var nextId = 1;
        foreach (var header in headers)
        {
            if (nextId > 255)
            {
                break; // 128 contexts at most (PS3.8 9.3.2.2: odd IDs 1-255)
            }
            if (seen.Add((header.SopClassUid, header.TransferSyntax.Uid)) && !header.TransferSyntax.Equals(DicomTransferSyntax.ExplicitVRLittleEndian))
            {
                contexts.Add(new PresentationContextItem((byte)nextId, header.SopClassUid, [header.TransferSyntax.Uid]));
                nextId += 2;
            }
            if (nextId <= 255 && fallbacks.Add(header.SopClassUid))
            {
                contexts.Add(new PresentationContextItem((byte)nextId, header.SopClassUid, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]));
                nextId += 2;
            }
        }
        return contexts;
    }
}
