using System.IO.Compression;
using Isocenter.Dicom.IO;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Retrieve;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Store;

/// <summary>Where C-STORE requests go: an SCU's association, or the SCP's side of a C-GET (PS3.4 C.4.3).</summary>
internal interface IStoreChannel
{
    /// <summary>An accepted context in which this side may send C-STORE-RQ for <paramref name="sopClassUid"/> in <paramref name="syntax"/>.</summary>
    PresentationContext? FindStoreContext(string sopClassUid, DicomTransferSyntax syntax);

    /// <summary>Sends a request and its dataset; returns the final response.</summary>
    Task<DicomCommand> SendAsync(PresentationContext context, Func<ushort, DicomCommand> makeRequest, Stream? dataset, CancellationToken cancellationToken);
}

/// <summary>Sends Part 10 files as C-STORE requests: as stored when the file's syntax was accepted, otherwise re-encoded.</summary>
internal static class CStoreSender
{
    /// <summary>
    /// Opens <paramref name="source"/>, reads its header, asks <paramref name="channelFor"/> where a file with that header
    /// goes, and sends it: its dataset bytes as stored, streamed from the source, when its transfer syntax was accepted,
    /// otherwise re-encoded into an accepted Explicit or Implicit VR Little Endian context (native pixel data only).
    /// <paramref name="moveOriginator"/> goes into the C-STORE-RQ of a C-MOVE sub-operation. A source that cannot be opened
    /// or is not a Part 10 file is a result with its error; a failure of the channel propagates.
    /// </summary>
    public static async Task<CStoreResult> SendAsync(DicomFileSource source, Func<DicomFileHeader, CancellationToken, ValueTask<IStoreChannel>> channelFor,
        (string AETitle, ushort MessageId)? moveOriginator, CancellationToken cancellationToken)
    {
        Stream? file = null;
        DicomFileHeader header;
        try
        {
            file = await source.OpenAsync(cancellationToken);
            header = await DicomFileHeader.ReadAsync(file, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            if (file is not null)
            {
                await file.DisposeAsync();
            }
            return new CStoreResult(source.Name, null, null, e.Message);
        }
        await using (file)
        {
            var channel = await channelFor(header, cancellationToken);
            MemoryStream? reencoded = null;
            PresentationContext context;
            if (channel.FindStoreContext(header.SopClassUid, header.TransferSyntax) is { } asStored)
            {
                context = asStored;
            }
            else if (!header.TransferSyntax.IsEncapsulated
                && (channel.FindStoreContext(header.SopClassUid, DicomTransferSyntax.ExplicitVRLittleEndian) ?? channel.FindStoreContext(header.SopClassUid, DicomTransferSyntax.ImplicitVRLittleEndian)) is { } fallback)
            {
                context = fallback;
                reencoded = Reencode(file, header.TransferSyntax, fallback.TransferSyntax);
            }
            else
            {
                return new CStoreResult(source.Name, header.SopInstanceUid, null, $"no presentation context accepted for {header.SopClassUid} in {header.TransferSyntax.Name}");
            }
            using (reencoded)
            {
                var response = await channel.SendAsync(context, id =>
                {
                    var request = DicomCommand.CStoreRequest(id, header.SopClassUid, header.SopInstanceUid);
                    return moveOriginator is { } originator ? request.WithMoveOriginator(originator.AETitle, originator.MessageId) : request;
                }, reencoded ?? file, cancellationToken);
                return new CStoreResult(source.Name, header.SopInstanceUid, response.Status, response.Dataset.GetString(DicomTag.ErrorComment));
            }
        }
    }

    // The rest of the file (its dataset, in syntax) read into memory and written in another.
    private static MemoryStream Reencode(Stream file, DicomTransferSyntax syntax, DicomTransferSyntax into)
    {
        var dataset = new DicomDataset();
        using (var encoded = syntax.IsDeflated ? new DeflateStream(file, CompressionMode.Decompress, leaveOpen: true) : null)
        {
            DicomParser.Parse(encoded ?? file, syntax, new DicomDatasetBuilder(dataset));
        }
        var buffer = new MemoryStream();
        DicomWriter.Write(buffer, dataset, into);
        buffer.Position = 0;
        return buffer;
    }
}
