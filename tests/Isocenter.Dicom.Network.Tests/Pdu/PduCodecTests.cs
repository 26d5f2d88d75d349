using System.Buffers;
using System.IO.Pipelines;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Tests.Pdu;

public class PduCodecTests
{
    private static AssociatePdu FullRequest() => new(false, "STORESCP", "STORESCU",
        [
            new PresentationContextItem(1, DicomUid.Verification, [DicomUid.ImplicitVRLittleEndian]),
            new PresentationContextItem(3, DicomUid.CTImageStorage, [DicomUid.ExplicitVRLittleEndian, DicomUid.ImplicitVRLittleEndian, DicomUid.RLELossless]),
        ],
        new UserInformation
        {
            MaxPduLength = 16384,
            ImplementationClassUid = "1.2.3.4",
            ImplementationVersionName = "TEST_1",
            AsyncOperationsWindow = (4, 2),
            RoleSelections = [new RoleSelection(DicomUid.CTImageStorage, true, false)],
            ExtendedNegotiations = [new ExtendedNegotiation(DicomUid.CTImageStorage, new byte[] { 1, 0, 1 })],
            UserIdentity = new UserIdentityRequest(UserIdentityType.UsernameAndPasscode, true, "alice"u8.ToArray(), "secret"u8.ToArray()),
        });

    public static TheoryData<DicomPdu> Pdus() =>
    [
        FullRequest(),
        new AssociatePdu(true, "STORESCP", "STORESCU",
            [
                new PresentationContextItem(1, null, [DicomUid.ImplicitVRLittleEndian]),
                new PresentationContextItem(3, null, [DicomUid.ExplicitVRLittleEndian], PresentationContextResult.TransferSyntaxesNotSupported),
            ],
            new UserInformation { MaxPduLength = 0, ImplementationClassUid = "1.2.3", UserIdentityResponse = "token"u8.ToArray() }),
        new AssociateRejectPdu(AssociateRejectResult.Permanent, AssociateRejectSource.ServiceUser, 7),
        new PDataTransferPdu([new PresentationDataValue(1, true, true, new byte[] { 1, 2, 3, 4 }), new PresentationDataValue(3, false, false, new byte[] { 9 })]),
        new ReleaseRequestPdu(),
        new ReleaseResponsePdu(),
        new AbortPdu(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu),
    ];

    [Theory]
    [MemberData(nameof(Pdus))]
    public async Task WriteRead_ThroughAPipe_RoundTrips(DicomPdu pdu)
    {
        var pipe = new Pipe();
        PduWriter.Write(pipe.Writer, pdu);
        PduWriter.Write(pipe.Writer, new ReleaseRequestPdu());
        await pipe.Writer.CompleteAsync();

        var read = await PduReader.ReadAsync(pipe.Reader, 0, CancellationToken.None);
        Assert.Equal(pdu, read);
        Assert.IsType<ReleaseRequestPdu>(await PduReader.ReadAsync(pipe.Reader, 0, CancellationToken.None));
        Assert.Null(await PduReader.ReadAsync(pipe.Reader, 0, CancellationToken.None));
    }

    [Fact]
    public void TryParse_PduSplitAcrossSegments_Parses()
    {
        var bytes = PduWriter.ToArray(FullRequest());
        for (var split = 1; split < bytes.Length; split += 7)
        {
            var sequence = Segments(bytes[..split], bytes[split..]);
            Assert.True(PduReader.TryRead(ref sequence, 0, out var pdu));
            Assert.Equal(FullRequest(), pdu);
            Assert.True(sequence.IsEmpty);
        }
    }

    [Fact]
    public void TryParse_PartialPdu_NeedsTheWholePdu()
    {
        var bytes = PduWriter.ToArray(FullRequest());
        for (var length = 0; length < bytes.Length; length++)
        {
            var sequence = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.False(PduReader.TryRead(ref sequence, 0, out _));
        }
    }

    [Fact]
    public void TryParse_OversizeLengthInHeader_RefusedFromTheHeaderAlone()
    {
        // Only the 6 header bytes: the length is refused before any allocation or wait for the body.
        var sequence = new ReadOnlySequence<byte>([0x04, 0, 0xFF, 0xFF, 0xFF, 0xF0]);
        var e = Assert.Throws<PduException>(() => PduReader.TryRead(ref sequence, 16384, out _));
        Assert.Contains("4294967280", e.Message, StringComparison.Ordinal);

        var associate = new ReadOnlySequence<byte>([0x01, 0, 0xFF, 0xFF, 0xFF, 0xF0]);
        Assert.Throws<PduException>(() => PduReader.TryRead(ref associate, 16384, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0, 0, 0, 0, 4, 0, 0, 0, 0 }, "Unknown PDU type")]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F, 0x20 }, "Unknown PDU type")] // "GET / "
    [InlineData(new byte[] { 0x05, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0 }, "must be 4")]
    [InlineData(new byte[] { 0x04, 0, 0, 0, 0, 2, 0, 0 }, "at least one PDV")]
    [InlineData(new byte[] { 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 9, 1, 3 }, "does not fit")]
    [InlineData(new byte[] { 0x04, 0, 0, 0, 0, 6, 0, 0, 0, 2, 1, 0xF3 }, "reserved bits")]
    [InlineData(new byte[] { 0x01, 0, 0, 0, 0, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, "68 bytes")]
    public void TryParse_MalformedPdu_IsRefused(byte[] bytes, string message)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var e = Assert.Throws<PduException>(() => PduReader.TryRead(ref sequence, 16384, out _));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_AssociateRequestItemOverrunsIt_IsRefused()
    {
        var bytes = PduWriter.ToArray(FullRequest());
        bytes[6 + 68 + 3] = 0xFF; // application context item length beyond the PDU
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.Throws<PduException>(() => PduReader.TryRead(ref sequence, 0, out _));
    }

    [Fact]
    public async Task Read_PduTruncatedByEndOfStream_IsReported()
    {
        var bytes = PduWriter.ToArray(FullRequest());
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes.AsMemory(0, bytes.Length - 10));
        await pipe.Writer.CompleteAsync();
        var e = await Assert.ThrowsAsync<PduException>(async () => await PduReader.ReadAsync(pipe.Reader, 0, CancellationToken.None));
        Assert.Contains("ended inside a PDU", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OneFragmentPData_LikeTheGeneralWriter()
    {
        var direct = new ArrayBufferWriter<byte>();
        PduWriter.WritePData(direct, 5, false, true, [7, 8, 9]);
        Assert.Equal(PduWriter.ToArray(new PDataTransferPdu([new PresentationDataValue(5, false, true, new byte[] { 7, 8, 9 })])), direct.WrittenSpan.ToArray());
    }

    private static ReadOnlySequence<byte> Segments(byte[] first, byte[] second)
    {
        var start = new Segment(first, 0);
        var end = start.Append(second);
        return new ReadOnlySequence<byte>(start, 0, end, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
