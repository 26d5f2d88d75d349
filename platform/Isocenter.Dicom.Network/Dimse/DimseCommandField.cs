namespace Isocenter.Dicom.Network.Dimse;

/// <summary>Command Field (0000,0100) values (PS3.7 E.1).</summary>
public enum DimseCommandField : ushort
{
    /// <summary>C-STORE-RQ.</summary>
    CStoreRequest = 0x0001,

    /// <summary>C-STORE-RSP.</summary>
    CStoreResponse = 0x8001,

    /// <summary>C-GET-RQ.</summary>
    CGetRequest = 0x0010,

    /// <summary>C-GET-RSP.</summary>
    CGetResponse = 0x8010,

    /// <summary>C-FIND-RQ.</summary>
    CFindRequest = 0x0020,

    /// <summary>C-FIND-RSP.</summary>
    CFindResponse = 0x8020,

    /// <summary>C-MOVE-RQ.</summary>
    CMoveRequest = 0x0021,

    /// <summary>C-MOVE-RSP.</summary>
    CMoveResponse = 0x8021,

    /// <summary>C-ECHO-RQ.</summary>
    CEchoRequest = 0x0030,

    /// <summary>C-ECHO-RSP.</summary>
    CEchoResponse = 0x8030,

    /// <summary>C-CANCEL-RQ.</summary>
    CCancelRequest = 0x0FFF,

    /// <summary>N-EVENT-REPORT-RQ.</summary>
    NEventReportRequest = 0x0100,

    /// <summary>N-EVENT-REPORT-RSP.</summary>
    NEventReportResponse = 0x8100,

    /// <summary>N-ACTION-RQ.</summary>
    NActionRequest = 0x0130,

    /// <summary>N-ACTION-RSP.</summary>
    NActionResponse = 0x8130,
}

/// <summary>Number of Remaining, Completed, Failed and Warning Sub-operations (0000,1020-1023) of a C-MOVE or C-GET.</summary>
public readonly record struct SubOperationCounts(ushort Remaining, ushort Completed, ushort Failed, ushort Warning);

/// <summary>Status (0000,0900) values used by C-ECHO, C-STORE, C-FIND, C-MOVE and C-GET (PS3.7 C, PS3.4 B.2.3, C.4.1.1.4, C.4.2.1.5).</summary>
public static class DimseStatus
{
    /// <summary>Success.</summary>
    public const ushort Success = 0x0000;

    /// <summary>Warning: coercion of data elements.</summary>
    public const ushort CoercionOfDataElements = 0xB000;

    /// <summary>Warning: elements discarded.</summary>
    public const ushort ElementsDiscarded = 0xB006;

    /// <summary>Warning: data set does not match SOP class.</summary>
    public const ushort DataSetDoesNotMatchSopClassWarning = 0xB007;

    /// <summary>Failure: refused, out of resources.</summary>
    public const ushort OutOfResources = 0xA700;

    /// <summary>Failure: data set does not match SOP class.</summary>
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;

    /// <summary>Failure: cannot understand.</summary>
    public const ushort CannotUnderstand = 0xC000;

    /// <summary>Failure: processing failure.</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>Failure: duplicate SOP instance.</summary>
    public const ushort DuplicateSopInstance = 0x0111;

    /// <summary>Failure: no such SOP class.</summary>
    public const ushort NoSuchSopClass = 0x0118;

    /// <summary>Failure: SOP class not supported.</summary>
    public const ushort SopClassNotSupported = 0x0122;

    /// <summary>Failure: unable to process (C-FIND, PS3.4 C.4.1.1.4; the C000-CFFF range).</summary>
    public const ushort UnableToProcess = 0xC000;

    /// <summary>Failure: identifier does not match SOP class (C-FIND).</summary>
    public const ushort IdentifierDoesNotMatchSopClass = 0xA900;

    /// <summary>Failure: refused, out of resources, unable to perform sub-operations (C-MOVE, C-GET).</summary>
    public const ushort UnableToPerformSubOperations = 0xA702;

    /// <summary>Failure: move destination unknown (C-MOVE, PS3.4 C.4.2.1.5).</summary>
    public const ushort MoveDestinationUnknown = 0xA801;

    /// <summary>Warning: sub-operations complete, one or more failures or warnings (C-MOVE, C-GET).</summary>
    public const ushort SubOperationsWarning = 0xB000;

    /// <summary>Pending, some optional keys were not supported (C-FIND).</summary>
    public const ushort PendingWarning = 0xFF01;

    /// <summary>Cancel.</summary>
    public const ushort Cancel = 0xFE00;

    /// <summary>Pending.</summary>
    public const ushort Pending = 0xFF00;

    /// <summary>True for Pending (FF00, FF01): more responses follow.</summary>
    public static bool IsPending(ushort status) => status is Pending or PendingWarning;

    /// <summary>True for success and warning statuses (PS3.7 C.1-C.4): the operation was performed.</summary>
    public static bool IsSuccessOrWarning(ushort status) => status == Success || (status & 0xF000) == 0xB000 || status == 0x0001 || status == 0x0107 || status == 0x0116;
}
