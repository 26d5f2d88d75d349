using Isocenter.Dicom.Network.Dimse;

namespace Isocenter.Dicom.Network.Tests.Dimse;

public class DicomCommandTests
{
    [Fact]
    public void Encode_CEchoRequest_ImplicitVRWithGroupLength()
    {
        var bytes = DicomCommand.CEchoRequest(1).Encode();

        // PS3.7 9.3.5.1 and E.1: (0000,0000) UL, (0000,0002) UI 18 bytes (17 + NUL pad), (0000,0100), (0000,0110), (0000,0800) US.
        Assert.Equal(12 + 26 + 10 + 10 + 10, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 4, 0, 0, 0, 56, 0, 0, 0 }, bytes[..12]);
        Assert.Equal(new byte[] { 0, 0, 2, 0, 18, 0, 0, 0 }, bytes[12..20]);
        Assert.Equal("1.2.840.10008.1.1\0"u8.ToArray(), bytes[20..38]);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 2, 0, 0, 0, 0x30, 0 }, bytes[38..48]);
        Assert.Equal(new byte[] { 0, 0, 0x00, 8, 2, 0, 0, 0, 0x01, 1 }, bytes[58..68]);
    }

    [Fact]
    public void EncodeDecode_CStoreRequestAndResponse_RoundTrips()
    {
        var request = DicomCommand.CStoreRequest(7, DicomUid.CTImageStorage, "1.2.3.4.5", priority: 2);
        var decoded = DicomCommand.Decode(request.Encode());
        Assert.Equal(DimseCommandField.CStoreRequest, decoded.CommandField);
        Assert.Equal(7, decoded.MessageId);
        Assert.Equal(DicomUid.CTImageStorage, decoded.AffectedSopClassUid);
        Assert.Equal("1.2.3.4.5", decoded.AffectedSopInstanceUid);
        Assert.Equal(2, decoded.Priority);
        Assert.True(decoded.HasDataSet);
        Assert.False(decoded.IsResponse);

        var response = DicomCommand.Decode(DicomCommand.ResponseTo(decoded, DimseStatus.OutOfResources, "disk full").Encode());
        Assert.Equal(DimseCommandField.CStoreResponse, response.CommandField);
        Assert.Equal(7, response.MessageIdBeingRespondedTo);
        Assert.Equal(DimseStatus.OutOfResources, response.Status);
        Assert.Equal("1.2.3.4.5", response.AffectedSopInstanceUid);
        Assert.Equal("disk full", response.Dataset.GetString(DicomTag.ErrorComment));
        Assert.False(response.HasDataSet);
        Assert.True(response.IsResponse);
    }

    [Fact]
    public void EncodeDecode_NActionRequestAndResponse_RoundTrips()
    {
        // PS3.7 10.3.4: the request names the Requested SOP class and instance, the response the Affected ones and the Action Type ID.
        var request = DicomCommand.Decode(DicomCommand.NActionRequest(4, DicomUid.StorageCommitmentPushModel, DicomUid.StorageCommitmentPushModelInstance, 1).Encode());
        Assert.Equal(DimseCommandField.NActionRequest, request.CommandField);
        Assert.Equal(4, request.MessageId);
        Assert.Equal(DicomUid.StorageCommitmentPushModel, request.Dataset.GetString(DicomTag.RequestedSOPClassUID));
        Assert.Equal(DicomUid.StorageCommitmentPushModelInstance, request.Dataset.GetString(DicomTag.RequestedSOPInstanceUID));
        Assert.True(request.HasDataSet);

        var response = DicomCommand.Decode(DicomCommand.ResponseTo(request, DimseStatus.Success).Encode());
        Assert.Equal(DimseCommandField.NActionResponse, response.CommandField);
        Assert.Equal(4, response.MessageIdBeingRespondedTo);
        Assert.Equal(DicomUid.StorageCommitmentPushModel, response.AffectedSopClassUid);
        Assert.Equal(DicomUid.StorageCommitmentPushModelInstance, response.AffectedSopInstanceUid);
        Assert.True(response.Dataset.TryGetValue<ushort>(DicomTag.ActionTypeID, out var action) && action == 1);
    }

    [Fact]
    public void ResponseTo_NEventReportRequest_CarriesEventTypeId()
    {
        // PS3.7 10.3.1: the N-EVENT-REPORT-RSP names the affected SOP class and instance and the Event Type ID.
        var request = DicomCommand.Decode(new DicomCommand(new DicomDataset()
            .Set(DicomTag.AffectedSOPClassUID, DicomUid.StorageCommitmentPushModel)
            .Set(DicomTag.CommandField, (ushort)DimseCommandField.NEventReportRequest)
            .Set(DicomTag.MessageID, (ushort)9)
            .Set(DicomTag.CommandDataSetType, (ushort)0)
            .Set(DicomTag.AffectedSOPInstanceUID, DicomUid.StorageCommitmentPushModelInstance)
            .Set(DicomTag.EventTypeID, (ushort)2)).Encode());

        var response = DicomCommand.Decode(DicomCommand.ResponseTo(request, DimseStatus.Success).Encode());

        Assert.Equal(DimseCommandField.NEventReportResponse, response.CommandField);
        Assert.Equal(9, response.MessageIdBeingRespondedTo);
        Assert.True(response.Dataset.TryGetValue<ushort>(DicomTag.EventTypeID, out var type) && type == 2);
        Assert.Equal(DicomUid.StorageCommitmentPushModelInstance, response.AffectedSopInstanceUid);
    }

    [Fact]
    public void EncodeDecode_CFindRequestAndPendingResponse_RoundTrips()
    {
        // PS3.7 9.3.2.1 and 9.3.2.2: the request and each Pending response carry an identifier (Command Data Set Type 0000).
        var request = DicomCommand.Decode(DicomCommand.CFindRequest(3, DicomUid.StudyRootQueryRetrieveInformationModelFind, priority: 1).Encode());
        Assert.Equal(DimseCommandField.CFindRequest, request.CommandField);
        Assert.Equal(3, request.MessageId);
        Assert.Equal(1, request.Priority);
        Assert.True(request.HasDataSet);

        var pending = DicomCommand.Decode(DicomCommand.ResponseTo(request, DimseStatus.Pending, hasDataSet: true).Encode());
        Assert.Equal(DimseCommandField.CFindResponse, pending.CommandField);
        Assert.Equal(3, pending.MessageIdBeingRespondedTo);
        Assert.True(pending.HasDataSet);
        Assert.True(DimseStatus.IsPending(pending.Status));
        Assert.False(DicomCommand.ResponseTo(request, DimseStatus.Success).HasDataSet);
    }

    [Fact]
    public void Encode_CCancelRequest_CarriesTheMessageIdItCancels()
    {
        // PS3.7 9.3.2.3: Command Field 0FFF, Message ID Being Responded To, no dataset; no SOP class.
        var cancel = DicomCommand.Decode(DicomCommand.CCancelRequest(9).Encode());
        Assert.Equal(DimseCommandField.CCancelRequest, cancel.CommandField);
        Assert.Equal(9, cancel.MessageIdBeingRespondedTo);
        Assert.False(cancel.HasDataSet);
        Assert.Null(cancel.AffectedSopClassUid);
        Assert.Equal("CCancelRequest for id 9", cancel.ToString()); // logging a C-CANCEL-RQ once threw (no Message ID) and dropped the association
    }

    [Fact]
    public void Encode_CMoveRequestAndPendingResponse_RoundTrip()
    {
        // PS3.7 9.3.4: C-MOVE-RQ carries Move Destination; its responses the sub-operation counts (0000,1020-1023).
        var request = DicomCommand.Decode(DicomCommand.CMoveRequest(4, DicomUid.StudyRootQueryRetrieveInformationModelMove, "DEST").Encode());
        Assert.Equal(DimseCommandField.CMoveRequest, request.CommandField);
        Assert.Equal("DEST", request.MoveDestination);
        Assert.True(request.HasDataSet);

        var pending = DicomCommand.Decode(DicomCommand.ResponseTo(request, DimseStatus.Pending).WithSubOperations(new SubOperationCounts(3, 2, 1, 0), withRemaining: true).Encode());
        Assert.Equal(DimseCommandField.CMoveResponse, pending.CommandField);
        Assert.Equal(new SubOperationCounts(3, 2, 1, 0), pending.SubOperations);
        var final = DicomCommand.ResponseTo(request, DimseStatus.Success).WithSubOperations(new SubOperationCounts(0, 6, 0, 0), withRemaining: false);
        Assert.False(final.Dataset.Contains(DicomTag.NumberOfRemainingSuboperations));

        var get = DicomCommand.Decode(DicomCommand.CGetRequest(5, DicomUid.PatientRootQueryRetrieveInformationModelGet).Encode());
        Assert.Equal(DimseCommandField.CGetRequest, get.CommandField);
        Assert.Null(get.MoveDestination);
    }

    [Fact]
    public void Encode_GroupLength_CountsTheBytesAfterIt()
    {
        var bytes = DicomCommand.CStoreRequest(1, DicomUid.MRImageStorage, "1.2.3").Encode();
        Assert.Equal((uint)(bytes.Length - 12), BitConverter.ToUInt32(bytes, 8));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 8, 0, 0x16, 0, 2, 0, 0, 0, 0x31, 0 })] // a dataset element, not a command
    [InlineData(new byte[] { 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0 })] // no command field
    public void Decode_BytesThatAreNotACommandSet_Throws(byte[] bytes) =>
        Assert.Throws<DicomReadException>(() => DicomCommand.Decode(bytes));

    // Fuzz findings (fuzz/run.sh, AFL++): command sets with a Command Field but without what the SCP reads next (its log
    // line, the switch on the command) decoded, then threw DicomDataException out of the association's read loop.
    [Theory]
    [InlineData("C-ECHO-RQ without Message ID")]
    [InlineData("C-ECHO-RSP without Message ID Being Responded To")]
    [InlineData("C-ECHO-RSP without Status")]
    [InlineData("C-CANCEL-RQ without Message ID Being Responded To")]
    [InlineData("C-STORE-RQ without Command Data Set Type")]
    public void Decode_FuzzFindingIncompleteCommandSet_Throws(string finding)
    {
        var complete = finding switch
        {
            _ when finding.StartsWith("C-ECHO-RSP", StringComparison.Ordinal) => DicomCommand.ResponseTo(DicomCommand.CEchoRequest(1), DimseStatus.Success),
            _ when finding.StartsWith("C-CANCEL-RQ", StringComparison.Ordinal) => DicomCommand.CCancelRequest(1),
            _ when finding.StartsWith("C-STORE-RQ", StringComparison.Ordinal) => DicomCommand.CStoreRequest(1, DicomUid.CTImageStorage, "1.2.3"),
            _ => DicomCommand.CEchoRequest(1),
        };
        var missing = finding[(finding.IndexOf(" without ", StringComparison.Ordinal) + 9)..].Replace(" ", "", StringComparison.Ordinal);
        var tag = complete.Dataset.Select(e => e.Tag).Single(t => string.Equals(t.Keyword, missing, StringComparison.OrdinalIgnoreCase));
        var incomplete = new DicomCommand(new DicomDataset(complete.Dataset.Where(e => e.Tag != tag)));

        var refused = Assert.Throws<DicomReadException>(() => DicomCommand.Decode(incomplete.Encode()));
        Assert.Contains(missing, refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Status_SuccessAndWarnings_CountAsPerformed()
    {
        Assert.True(DimseStatus.IsSuccessOrWarning(DimseStatus.Success));
        Assert.True(DimseStatus.IsSuccessOrWarning(DimseStatus.CoercionOfDataElements));
        Assert.False(DimseStatus.IsSuccessOrWarning(DimseStatus.OutOfResources));
        Assert.False(DimseStatus.IsSuccessOrWarning(DimseStatus.CannotUnderstand));
    }
}
