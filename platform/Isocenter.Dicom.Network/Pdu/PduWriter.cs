using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Isocenter.Dicom.Network.Pdu;

/// <summary>Encodes PDUs (PS3.8 9.3) into a buffer writer (a <see cref="System.IO.Pipelines.PipeWriter"/> in practice).</summary>
public static class PduWriter
{
    /// <summary>Bytes of a P-DATA-TF PDU header plus one PDV header: what a PDU adds around one fragment.</summary>
    public const int PDataOverhead = 6 + 6;

    /// <summary>Writes <paramref name="pdu"/> to <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, DicomPdu pdu)
    {
        switch (pdu)
        {
            case AssociatePdu associate:
                WriteAssociate(output, associate);
                break;
            case AssociateRejectPdu reject:
                WriteFixed(output, PduType.AssociateReject, 0, (byte)reject.Result, (byte)reject.Source, reject.Reason);
                break;
            case PDataTransferPdu data:
                WritePData(output, data.Values);
                break;
            case ReleaseRequestPdu:
                WriteFixed(output, PduType.ReleaseRequest, 0, 0, 0, 0);
                break;
            case ReleaseResponsePdu:
                WriteFixed(output, PduType.ReleaseResponse, 0, 0, 0, 0);
                break;
            case AbortPdu abort:
                WriteFixed(output, PduType.Abort, 0, 0, (byte)abort.Source, (byte)abort.Reason);
                break;
            default:
                throw new ArgumentException($"Unknown PDU {pdu.GetType().Name}", nameof(pdu));
        }
    }

    /// <summary>Encodes <paramref name="pdu"/> into a new array (tests, small PDUs).</summary>
    public static byte[] ToArray(DicomPdu pdu)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Write(buffer, pdu);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a P-DATA-TF PDU holding one PDV: the fragment is copied once, into the output.</summary>
    public static void WritePData(IBufferWriter<byte> output, byte presentationContextId, bool isCommand, bool isLast, ReadOnlySpan<byte> fragment)
    {
        var span = output.GetSpan(PDataOverhead + fragment.Length);
        span[0] = (byte)PduType.PDataTransfer;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)(6 + fragment.Length));
        BinaryPrimitives.WriteUInt32BigEndian(span[6..], (uint)(2 + fragment.Length));
        span[10] = presentationContextId;
        span[11] = (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));
        fragment.CopyTo(span[12..]);
        output.Advance(PDataOverhead + fragment.Length);
    }

    private static void WritePData(IBufferWriter<byte> output, IReadOnlyList<PresentationDataValue> values)
    {
        var length = values.Sum(v => 6 + v.Data.Length);
        var span = output.GetSpan(6 + length);
        span[0] = (byte)PduType.PDataTransfer;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], (uint)length);
        var at = 6;
        foreach (var value in values)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)(2 + value.Data.Length));
            span[at + 4] = value.PresentationContextId;
            span[at + 5] = (byte)((value.IsCommand ? 1 : 0) | (value.IsLast ? 2 : 0));
            value.Data.Span.CopyTo(span[(at + 6)..]);
            at += 6 + value.Data.Length;
        }
        output.Advance(6 + length);
    }

    private static void WriteFixed(IBufferWriter<byte> output, PduType type, byte b0, byte b1, byte b2, byte b3)
    {
        var span = output.GetSpan(10);
        span[0] = (byte)type;
        span[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[2..], 4);
        span[6] = b0;
        span[7] = b1;
        span[8] = b2;
        span[9] = b3;
        output.Advance(10);
    }

    private static void WriteAssociate(IBufferWriter<byte> output, AssociatePdu pdu)
    {
        var body = new ArrayBufferWriter<byte>(512);
        var fixedPart = body.GetSpan(68)[..68];
        fixedPart.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, pdu.ProtocolVersion);
        WriteAETitle(fixedPart.Slice(4, 16), pdu.CalledAETitle);
        WriteAETitle(fixedPart.Slice(20, 16), pdu.CallingAETitle);
        body.Advance(68);
        WriteItem(body, 0x10, AsciiBytes(pdu.ApplicationContext));
        foreach (var context in pdu.PresentationContexts)
        {
            var item = new ArrayBufferWriter<byte>(128);
            item.Write<byte>([context.Id, 0, pdu.IsAccept ? (byte)context.Result : (byte)0, 0]);
            if (!pdu.IsAccept)
            {
                WriteItem(item, 0x30, AsciiBytes(context.AbstractSyntax ?? ""));
            }
            foreach (var syntax in context.TransferSyntaxes)
            {
                WriteItem(item, 0x40, AsciiBytes(syntax));
            }
            WriteItem(body, pdu.IsAccept ? (byte)0x21 : (byte)0x20, item.WrittenSpan);
        }
        WriteItem(body, 0x50, EncodeUserInformation(pdu.UserInformation, pdu.IsAccept));

        var header = output.GetSpan(6);
        header[0] = (byte)pdu.Type;
        header[1] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[2..], (uint)body.WrittenCount);
        output.Advance(6);
        output.Write(body.WrittenSpan);
    }

    private static ReadOnlySpan<byte> EncodeUserInformation(UserInformation info, bool isAccept)
    {
        var items = new ArrayBufferWriter<byte>(128);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, info.MaxPduLength);
        WriteItem(items, 0x51, four);
        WriteItem(items, 0x52, AsciiBytes(info.ImplementationClassUid));
        if (info.AsyncOperationsWindow is { } window)
        {
            BinaryPrimitives.WriteUInt16BigEndian(four, window.Invoked);
            BinaryPrimitives.WriteUInt16BigEndian(four[2..], window.Performed);
            WriteItem(items, 0x53, four);
        }
        foreach (var role in info.RoleSelections)
        {
            var uid = AsciiBytes(role.SopClassUid);
            var value = new byte[2 + uid.Length + 2];
            BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)uid.Length);
            uid.CopyTo(value, 2);
            value[^2] = role.ScuRole ? (byte)1 : (byte)0;
            value[^1] = role.ScpRole ? (byte)1 : (byte)0;
            WriteItem(items, 0x54, value);
        }
        if (info.ImplementationVersionName is { Length: > 0 } version)
        {
            WriteItem(items, 0x55, AsciiBytes(version));
        }
        foreach (var extended in info.ExtendedNegotiations)
        {
            var uid = AsciiBytes(extended.SopClassUid);
            var value = new byte[2 + uid.Length + extended.Information.Length];
            BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)uid.Length);
            uid.CopyTo(value, 2);
            extended.Information.Span.CopyTo(value.AsSpan(2 + uid.Length));
            WriteItem(items, 0x56, value);
        }
        if (!isAccept && info.UserIdentity is { } identity)
        {
            var value = new byte[2 + 2 + identity.PrimaryField.Length + 2 + identity.SecondaryField.Length];
            value[0] = (byte)identity.IdentityType;
            value[1] = identity.PositiveResponseRequested ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2), (ushort)identity.PrimaryField.Length);
            identity.PrimaryField.Span.CopyTo(value.AsSpan(4));
            BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(4 + identity.PrimaryField.Length), (ushort)identity.SecondaryField.Length);
            identity.SecondaryField.Span.CopyTo(value.AsSpan(6 + identity.PrimaryField.Length));
            WriteItem(items, 0x58, value);
        }
        if (isAccept && info.UserIdentityResponse is { } response)
        {
            var value = new byte[2 + response.Length];
            BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)response.Length);
            response.Span.CopyTo(value.AsSpan(2));
            WriteItem(items, 0x59, value);
        }
        return items.WrittenSpan;
    }

    private static void WriteItem(ArrayBufferWriter<byte> output, byte type, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Item 0x{type:X2} is {value.Length} bytes long; an item holds at most 65535.");
        }
        var span = output.GetSpan(4 + value.Length);
        span[0] = type;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)value.Length);
        value.CopyTo(span[4..]);
        output.Advance(4 + value.Length);
    }

    private static void WriteAETitle(Span<byte> destination, string title)
    {
        destination.Fill((byte)' ');
        if (title.Length is 0 or > 16 || !Ascii.IsValid(title))
        {
            throw new ArgumentException($"AE title '{title}' must be 1 to 16 ASCII characters.", nameof(title));
        }
        Encoding.ASCII.GetBytes(title, destination);
    }

    private static byte[] AsciiBytes(string text) => Encoding.ASCII.GetBytes(text);
}
