namespace Isocenter.Dicom.Network.Pdu;

/// <summary>A PDU that breaks PS3.8 9.3: unknown type, bad length, truncated, or an item that does not fit its PDU.</summary>
public sealed class PduException : DicomException
{
    /// <summary>Creates the exception; <paramref name="abortReason"/> is what an A-ABORT sent in reply should say.</summary>
    public PduException(string message, AbortReason abortReason = AbortReason.InvalidPduParameterValue) : base(message)
    {
        AbortReason = abortReason;
    }

    /// <summary>The A-ABORT reason (PS3.8 9.3.8) that describes the problem to the peer.</summary>
    public AbortReason AbortReason { get; }
}
