using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;

namespace Isocenter.Dicom.Network.Pdu;

/// <summary>
/// Reads PDUs (PS3.8 9.3) from a <see cref="PipeReader"/>. The length in the PDU header is checked against the limit before
/// anything is allocated or waited for; P-DATA-TF values are copied once into a pooled buffer owned by the PDU.
/// </summary>
public static class PduReader
{
    /// <summary>Largest A-ASSOCIATE-RQ/AC accepted (they are not bound by the negotiated maximum): 1 MiB.</summary>
    public const uint MaxAssociatePduLength = 1 << 20;

    /// <summary>
    /// Reads the next PDU; null at a clean end of stream (no byte of a next PDU). <paramref name="maxPDataLength"/> bounds
    /// P-DATA-TF PDUs (the maximum length this side announced; 0 = <see cref="MaxAssociatePduLength"/>).
    /// </summary>
    /// <exception cref="PduException">The PDU is malformed, too long, or the stream ends inside it.</exception>
    public static async ValueTask<DicomPdu?> ReadAsync(PipeReader reader, uint maxPDataLength, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryRead(ref buffer, maxPDataLength, out var pdu))
            {
                reader.AdvanceTo(buffer.Start);
                return pdu;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var length = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (length == 0)
                {
                    return null;
                }
                throw new PduException($"The connection ended inside a PDU ({length} bytes of it received)");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Parses one PDU from the start of <paramref name="buffer"/> when it is all there, and slices it off.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, uint maxPDataLength, out DicomPdu? pdu)
    {
        pdu = null;
        if (buffer.Length < 6)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[6];
        buffer.Slice(0, 6).CopyTo(header);
        var type = (PduType)header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[2..]);
        var limit = type == PduType.PDataTransfer && maxPDataLength != 0 ? maxPDataLength : MaxAssociatePduLength;
        switch (type)
        {
            case < PduType.AssociateRequest or > PduType.Abort:
                throw new PduException($"Unknown PDU type 0x{header[0]:X2}", AbortReason.UnrecognizedPdu);
            case PduType.AssociateReject or PduType.ReleaseRequest or PduType.ReleaseResponse or PduType.Abort when length != 4:
                throw new PduException($"{type} PDU has length {length}; it must be 4");
            case PduType.PDataTransfer when length < 6:
                throw new PduException($"P-DATA-TF PDU has length {length}; it must hold at least one PDV of 6 bytes");
            case PduType.AssociateRequest or PduType.AssociateAccept when length < 68:
                throw new PduException($"{type} PDU has length {length}; its fixed fields alone take 68 bytes");
        }
        if (length > limit)
        {
            throw new PduException($"{type} PDU announces {length} bytes, more than the maximum of {limit}");
        }
        if (buffer.Length < 6 + length)
        {
            return false;
        }
        var body = buffer.Slice(6, length);
        pdu = type == PduType.PDataTransfer ? ParsePData(body) : ParseControl(type, body);
        buffer = buffer.Slice(6 + length);
        return true;
    }

    private static PDataTransferPdu ParsePData(ReadOnlySequence<byte> body)
    {
        var rented = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(rented);
            var values = new List<PresentationDataValue>(1);
            var at = 0;
            var end = (int)body.Length;
            while (at < end)
            {
                if (end - at < 6)
                {
                    throw new PduException($"P-DATA-TF PDU has {end - at} bytes after its last PDV, too few for a PDV header");
                }
                var itemLength = BinaryPrimitives.ReadUInt32BigEndian(rented.AsSpan(at));
                if (itemLength < 2 || itemLength > end - at - 4)
                {
                    throw new PduException($"PDV item length {itemLength} does not fit the {end - at - 4} bytes left in its P-DATA-TF PDU");
                }
                var contextId = rented[at + 4];
                var control = rented[at + 5];
                if ((control & 0xFC) != 0)
                {
                    throw new PduException($"PDV message control header 0x{control:X2} has reserved bits set");
                }
                values.Add(new PresentationDataValue(contextId, (control & 1) != 0, (control & 2) != 0, rented.AsMemory(at + 6, (int)itemLength - 2)));
                at += 4 + (int)itemLength;
            }
            return new PDataTransferPdu(values) { RentedBuffer = rented };
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    private static DicomPdu ParseControl(PduType type, ReadOnlySequence<byte> body)
    {
        var bytes = body.IsSingleSegment ? body.FirstSpan : body.ToArray();
        return type switch
        {
            PduType.AssociateRequest or PduType.AssociateAccept => ParseAssociate(type == PduType.AssociateAccept, bytes),
            PduType.AssociateReject => new AssociateRejectPdu((AssociateRejectResult)bytes[1], (AssociateRejectSource)bytes[2], bytes[3]),
            PduType.ReleaseRequest => new ReleaseRequestPdu(),
            PduType.ReleaseResponse => new ReleaseResponsePdu(),
            _ => new AbortPdu((AbortSource)bytes[2], (AbortReason)bytes[3]),
        };
    }

    private static AssociatePdu ParseAssociate(bool isAccept, ReadOnlySpan<byte> body)
    {
        var version = BinaryPrimitives.ReadUInt16BigEndian(body);
        var called = AETitle(body.Slice(4, 16));
        var calling = AETitle(body.Slice(20, 16));
        string? applicationContext = null;
        var contexts = new List<PresentationContextItem>();
        UserInformation? user = null;
        var items = body[68..];
        while (!items.IsEmpty)
        {
            var itemType = NextItem(ref items, "A-ASSOCIATE item", out var value);
            switch (itemType)
            {
                case 0x10:
                    applicationContext = Uid(value);
                    break;
                case 0x20 when !isAccept:
                case 0x21 when isAccept:
                    contexts.Add(ParsePresentationContext(isAccept, value));
                    break;
                case 0x50:
                    user = ParseUserInformation(value);
                    break;
                default:
                    throw new PduException($"Unexpected item 0x{itemType:X2} in {(isAccept ? "A-ASSOCIATE-AC" : "A-ASSOCIATE-RQ")}", AbortReason.UnexpectedPduParameter);
            }
        }
        if (applicationContext is null)
        {
            throw new PduException("A-ASSOCIATE PDU without Application Context item");
        }
        return new AssociatePdu(isAccept, called, calling, contexts, user ?? new UserInformation { ImplementationClassUid = "" })
        {
            ApplicationContext = applicationContext,
            ProtocolVersion = version,
        };
    }

    private static PresentationContextItem ParsePresentationContext(bool isAccept, ReadOnlySpan<byte> value)
    {
        if (value.Length < 4)
        {
            throw new PduException($"Presentation context item of {value.Length} bytes; it needs at least 4");
        }
        var id = value[0];
        var result = (PresentationContextResult)value[2];
        string? abstractSyntax = null;
        var syntaxes = new List<string>();
        var items = value[4..];
        while (!items.IsEmpty)
        {
            var itemType = NextItem(ref items, "presentation context sub-item", out var sub);
            switch (itemType)
            {
                case 0x30:
                    abstractSyntax = Uid(sub);
                    break;
                case 0x40:
                    syntaxes.Add(Uid(sub));
                    break;
                default:
                    throw new PduException($"Unexpected sub-item 0x{itemType:X2} in presentation context {id}", AbortReason.UnexpectedPduParameter);
            }
        }
        if (!isAccept && abstractSyntax is null)
        {
            throw new PduException($"Presentation context {id} has no abstract syntax");
        }
        return new PresentationContextItem(id, abstractSyntax, syntaxes, isAccept ? result : PresentationContextResult.Acceptance);
    }

    private static UserInformation ParseUserInformation(ReadOnlySpan<byte> value)
    {
        var info = new UserInformation { ImplementationClassUid = "" };
        var roles = new List<RoleSelection>();
        var extended = new List<ExtendedNegotiation>();
        while (!value.IsEmpty)
        {
            var itemType = NextItem(ref value, "user information sub-item", out var sub);
            switch (itemType)
            {
                case 0x51:
                    Need(sub, 4, "Maximum Length");
                    info = info with { MaxPduLength = BinaryPrimitives.ReadUInt32BigEndian(sub) };
                    break;
                case 0x52:
                    info = info with { ImplementationClassUid = Uid(sub) };
                    break;
                case 0x53:
                    Need(sub, 4, "Asynchronous Operations Window");
                    info = info with { AsyncOperationsWindow = (BinaryPrimitives.ReadUInt16BigEndian(sub), BinaryPrimitives.ReadUInt16BigEndian(sub[2..])) };
                    break;
                case 0x54:
                    {
                        var uid = PrefixedField(ref sub, "SCP/SCU Role Selection");
                        Need(sub, 2, "SCP/SCU Role Selection");
                        roles.Add(new RoleSelection(Uid(uid), sub[0] != 0, sub[1] != 0));
                        break;
                    }
                case 0x55:
                    info = info with { ImplementationVersionName = Encoding.ASCII.GetString(sub).TrimEnd(' ', '\0') };
                    break;
                case 0x56:
                    {
                        var uid = PrefixedField(ref sub, "SOP Class Extended Negotiation");
                        extended.Add(new ExtendedNegotiation(Uid(uid), sub.ToArray()));
                        break;
                    }
                case 0x58:
                    {
                        Need(sub, 2, "User Identity");
                        var identityType = (UserIdentityType)sub[0];
                        var positive = sub[1] != 0;
                        sub = sub[2..];
                        var primary = PrefixedField(ref sub, "User Identity primary field");
                        var secondary = sub.IsEmpty ? default : PrefixedField(ref sub, "User Identity secondary field");
                        info = info with { UserIdentity = new UserIdentityRequest(identityType, positive, primary.ToArray(), secondary.ToArray()) };
                        break;
                    }
                case 0x59:
                    info = info with { UserIdentityResponse = PrefixedField(ref sub, "User Identity server response").ToArray() };
                    break;
                default:
                    break; // unknown sub-items (e.g. 0x57 SOP Class Common Extended Negotiation) are ignored, as PS3.7 D.3.3 allows
            }
        }
        return info with { RoleSelections = roles, ExtendedNegotiations = extended };
    }

    private static byte NextItem(ref ReadOnlySpan<byte> items, string what, out ReadOnlySpan<byte> value)
    {
        if (items.Length < 4)
        {
            throw new PduException($"{what} header needs 4 bytes; {items.Length} left");
        }
        var type = items[0];
        var length = BinaryPrimitives.ReadUInt16BigEndian(items[2..]);
        if (length > items.Length - 4)
        {
            throw new PduException($"{what} 0x{type:X2} announces {length} bytes; {items.Length - 4} left");
        }
        value = items.Slice(4, length);
        items = items[(4 + length)..];
        return type;
    }

    private static ReadOnlySpan<byte> PrefixedField(ref ReadOnlySpan<byte> span, string what)
    {
        Need(span, 2, what);
        var length = BinaryPrimitives.ReadUInt16BigEndian(span);
        Need(span, 2 + length, what);
        var field = span.Slice(2, length);
        span = span[(2 + length)..];
        return field;
    }

    private static void Need(ReadOnlySpan<byte> span, int length, string what)
    {
        if (span.Length < length)
        {
            throw new PduException($"{what} needs {length} bytes; {span.Length} left");
        }
    }

    private static string AETitle(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Trim(' ', '\0');

    private static string Uid(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).TrimEnd(' ', '\0');
}
