using System.Buffers;
using Isocenter.Dicom.Network.Pdu;

namespace Isocenter.Dicom.Network.Association;

/// <summary>Collects command fragments until the last one (commands are small: bounded by <see cref="MaxCommandLength"/>).</summary>
internal sealed class CommandAssembler
{
    public const int MaxCommandLength = 64 * 1024;

    private readonly ArrayBufferWriter<byte> _bytes = new(256);
    private byte _contextId;

    /// <summary>Adds a command fragment; returns the whole command's bytes at its last fragment, otherwise null.</summary>
    public byte[]? Add(PresentationDataValue value)
    {
        if (_bytes.WrittenCount > 0 && value.PresentationContextId != _contextId)
        {
            throw new PduException($"Command fragments arrived on presentation contexts {_contextId} and {value.PresentationContextId}", AbortReason.UnexpectedPduParameter);
        }
        _contextId = value.PresentationContextId;
        if (_bytes.WrittenCount + value.Data.Length > MaxCommandLength)
        {
            throw new PduException($"Command set longer than {MaxCommandLength} bytes");
        }
        _bytes.Write(value.Data.Span);
        if (!value.IsLast)
        {
            return null;
        }
        var command = _bytes.WrittenSpan.ToArray();
        _bytes.ResetWrittenCount();
        return command;
    }

    public bool IsEmpty => _bytes.WrittenCount == 0;
}
