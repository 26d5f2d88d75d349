using System.Buffers;
using Isocenter.Dicom;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;
using SharpFuzz;

// Fuzz target for what a peer controls first: PDUs off the wire and the DIMSE command sets inside them.
//   Isocenter.Dicom.Network.Fuzz             run under afl-fuzz (SharpFuzz's out-of-process loop; input on stdin)
//   Isocenter.Dicom.Network.Fuzz FILE...     run the inputs once (a crash reproduces as an unhandled exception)
//   Isocenter.Dicom.Network.Fuzz seeds DIR   write the seed corpus
// A PduException or DicomReadException is the reader refusing bad input, as it should; anything else is a finding.
if (args is ["seeds", var directory])
{
    Seeds.Write(directory);
    return;
}
if (args.Length > 0)
{
    foreach (var path in args)
    {
        Target.Run(File.ReadAllBytes(path));
    }
    return;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    Target.Run(memory.ToArray());
});

internal static class Target
{
    // As the SCP reads: P-DATA bounded by the 128 KiB it announces.
    private const uint MaxPDataLength = 128 * 1024;

    public static void Run(byte[] input)
    {
        var buffer = new ReadOnlySequence<byte>(input);
        try
        {
            while (PduReader.TryRead(ref buffer, MaxPDataLength, out var pdu))
            {
                if (pdu is PDataTransferPdu data)
                {
                    using (data)
                    {
                        foreach (var value in data.Values.Where(v => v.IsCommand))
                        {
                            _ = DicomCommand.Decode(value.Data).ToString();
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is PduException or DicomReadException)
        {
            // refused, as malformed input should be
        }
    }
}

internal static class Seeds
{
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var request = new AssociatePdu(false, "ISOCENTER", "STORESCU",
            [
                new PresentationContextItem(1, DicomUid.Verification, [DicomUid.ImplicitVRLittleEndian]),
                new PresentationContextItem(3, DicomUid.CTImageStorage, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian]),
            ],
            new UserInformation
            {
                MaxPduLength = 16384,
                ImplementationClassUid = "1.2.3.4",
                ImplementationVersionName = "FUZZ",
                AsyncOperationsWindow = (1, 1),
                RoleSelections = [new RoleSelection(DicomUid.CTImageStorage, true, false)],
                UserIdentity = new UserIdentityRequest(UserIdentityType.UsernameAndPasscode, false, "alice"u8.ToArray(), "secret"u8.ToArray()),
            });
        File.WriteAllBytes(Path.Combine(directory, "associate-rq"), PduWriter.ToArray(request));
        File.WriteAllBytes(Path.Combine(directory, "associate-ac"), PduWriter.ToArray(request with { IsAccept = true }));
        File.WriteAllBytes(Path.Combine(directory, "associate-rj"), PduWriter.ToArray(new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 7)));
        File.WriteAllBytes(Path.Combine(directory, "p-data-c-echo-rq"), PData(1, DicomCommand.CEchoRequest(1)));
        var store = DicomCommand.CStoreRequest(2, DicomUid.CTImageStorage, "1.2.3.4.5");
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(PData(3, store));
        PduWriter.WritePData(writer, 3, isCommand: false, isLast: true, [0x08, 0x00, 0x60, 0x00, 0x43, 0x53, 0x02, 0x00, 0x43, 0x54]);
        File.WriteAllBytes(Path.Combine(directory, "p-data-c-store-rq-and-dataset"), writer.WrittenSpan.ToArray());
        File.WriteAllBytes(Path.Combine(directory, "p-data-c-find-rsp"), PData(1, DicomCommand.ResponseTo(DicomCommand.CFindRequest(4, DicomUid.StudyRootQueryRetrieveInformationModelFind), 0xFF00, "pending", hasDataSet: true)));
        File.WriteAllBytes(Path.Combine(directory, "release-rq-abort"), [.. PduWriter.ToArray(new ReleaseRequestPdu()), .. PduWriter.ToArray(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified))]);
    }

    private static byte[] PData(byte contextId, DicomCommand command)
    {
        var writer = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(writer, contextId, isCommand: true, isLast: true, command.Encode());
        return writer.WrittenSpan.ToArray();
    }
}
