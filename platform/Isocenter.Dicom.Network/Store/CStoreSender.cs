using Isocenter.Dicom.IO;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
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
    /// Sends one file: its dataset bytes as stored when its transfer syntax was accepted, otherwise re-encoded into an
    /// accepted Explicit or Implicit VR Little Endian context (native pixel data only). <paramref name="moveOriginator"/>
    /// goes into the C-STORE-RQ of a C-MOVE sub-operation.
    /// </summary>
    public static async Task<CStoreResult> SendFileAsync(IStoreChannel channel, string path, DicomFileHeader header, (string AETitle, ushort MessageId)? moveOriginator, CancellationToken cancellationToken)
    {
        Stream dataset;
        PresentationContext context;
        if (channel.FindStoreContext(header.SopClassUid, header.TransferSyntax) is { } asStored)
        {
            context = asStored;
            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
            file.Seek(header.DataSetOffset, SeekOrigin.Begin);
            dataset = file;
        }
        else if (!header.TransferSyntax.IsEncapsulated
            && (channel.FindStoreContext(header.SopClassUid, DicomTransferSyntax.ExplicitVRLittleEndian) ?? channel.FindStoreContext(header.SopClassUid, DicomTransferSyntax.ImplicitVRLittleEndian)) is { } fallback)
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
            var response = await channel.SendAsync(context, id =>
            {
                var request = DicomCommand.CStoreRequest(id, header.SopClassUid, header.SopInstanceUid);
                return moveOriginator is { } originator ? request.WithMoveOriginator(originator.AETitle, originator.MessageId) : request;
            }, dataset, cancellationToken);
            return new CStoreResult(path, header.SopInstanceUid, response.Status, response.Dataset.GetString(DicomTag.ErrorComment));
        }
    }
}
