using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Retrieve;

/// <summary>The final C-MOVE-RSP or C-GET-RSP (PS3.7 9.1.3.1, 9.1.4.1) as the SCU sees it.</summary>
/// <param name="Status">Success, Sub-operations warning (B000: one or more failed or warned) or Cancel (FE00).</param>
/// <param name="SubOperations">The sub-operation counts the peer reported.</param>
/// <param name="FailedSopInstanceUids">Failed SOP Instance UID List (0008,0058) of the response's identifier, if any.</param>
/// <param name="ErrorComment">Error Comment (0000,0902), if any.</param>
public sealed record CRetrieveResult(ushort Status, SubOperationCounts SubOperations, IReadOnlyList<string> FailedSopInstanceUids, string? ErrorComment);
