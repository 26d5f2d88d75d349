using System.Net;
using System.Net.Sockets;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Pdu;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Scp;

/// <summary>Our SCP against our SCU and against hand-made byte streams (PS3.8 robustness): after each, C-ECHO still works.</summary>
public class DicomServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static DicomClient Client(int port, string called = "ISOCENTER") =>
        new("127.0.0.1", port, new DicomClientOptions { CalledAETitle = called, CallingAETitle = "TESTSCU", DimseTimeout = Bound, AssociationTimeout = Bound });

    private static async Task AssertEchoWorks(int port)
    {
        using var timeout = new CancellationTokenSource(Bound);
        Assert.Equal(DimseStatus.Success, await Client(port).EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CEcho_FromOurScu_GetsSuccess()
    {
        await using var server = new ReceivingServer();
        await AssertEchoWorks(server.Port);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task CStore_FilesFromOurScu_StoredByteIdentical()
    {
        await using var server = new ReceivingServer(o => o with { MaxPduLength = 8192 }); // many fragments per dataset
        var directory = TestFiles.NewDirectory();
        var files = TestFiles.WriteCtSeries(Path.Combine(directory, "explicit"), 3, DicomTransferSyntax.ExplicitVRLittleEndian)
            .Concat(TestFiles.WriteCtSeries(Path.Combine(directory, "implicit"), 3, DicomTransferSyntax.ImplicitVRLittleEndian))
            .ToList();
        var progress = new List<CStoreProgress>();
        using var timeout = new CancellationTokenSource(Bound);

        var results = await Client(server.Port).StoreAsync(files, new SynchronousProgress<CStoreProgress>(progress.Add), timeout.Token);

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(files.Count, progress.Count);
        Assert.Equal(files.Count, progress[^1].Completed);
        foreach (var file in files)
        {
            var sent = DicomFile.Open(file);
            var received = server.Datasets[sent.Dataset.GetString(DicomTag.SOPInstanceUID)!];
            Assert.Equal(sent.TransferSyntax, received.TransferSyntax);
            Assert.Equal(TestFiles.DataSetBytes(file), received.Bytes);
            Assert.Equal("TESTSCU", received.CallingAETitle);
        }
    }

    [Fact]
    public async Task Store_SyntaxNotAcceptedByScp_ScuReEncodesTheFile()
    {
        await using var server = new ReceivingServer(o => o with { TransferSyntaxes = [DicomUid.ImplicitVRLittleEndian] });
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        using var timeout = new CancellationTokenSource(Bound);

        var result = Assert.Single(await Client(server.Port).StoreAsync([file], cancellationToken: timeout.Token));

        Assert.True(result.Succeeded, result.ToString());
        var received = server.Datasets[result.SopInstanceUid!];
        Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian, received.TransferSyntax);
        var dataset = new DicomDataset();
        Dicom.IO.DicomParser.Parse(new MemoryStream(received.Bytes), received.TransferSyntax, new Dicom.IO.DicomDatasetBuilder(dataset));
        var original = DicomFile.Open(file).Dataset;
        Assert.Equal(original.Select(e => e.Tag), dataset.Select(e => e.Tag));
        Assert.Equal(original.GetValues<ushort>(DicomTag.PixelData), dataset.GetValues<ushort>(DicomTag.PixelData));
    }

    [Fact]
    public async Task CStore_NoHandler_AnsweredWithSopClassNotSupported()
    {
        await using var server = new ReceivingServer(o => o with { StoreHandler = null });
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        using var timeout = new CancellationTokenSource(Bound);
        var result = Assert.Single(await Client(server.Port).StoreAsync([file], cancellationToken: timeout.Token));
        Assert.Equal(DimseStatus.SopClassNotSupported, result.Status);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Store_FilesThatAreNotDicom_ReportedWithoutSending()
    {
        await using var server = new ReceivingServer();
        var directory = TestFiles.NewDirectory();
        var good = TestFiles.WriteCtSeries(directory, 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        var bad = Path.Combine(directory, "notes.txt");
        await File.WriteAllTextAsync(bad, "not DICOM");
        using var timeout = new CancellationTokenSource(Bound);
        var results = await Client(server.Port).StoreAsync([bad, good], cancellationToken: timeout.Token);
        Assert.False(results.Single(r => r.Name == bad).Succeeded);
        Assert.True(results.Single(r => r.Name == good).Succeeded);
        Assert.Single(server.Datasets);
    }

    [Fact]
    public async Task Associate_UnknownCalledAETitle_IsRejected()
    {
        await using var server = new ReceivingServer();
        using var timeout = new CancellationTokenSource(Bound);
        var e = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(server.Port, "SOMEONE").EchoAsync(timeout.Token));
        Assert.Equal(AssociateRejectSource.ServiceUser, e.Reject.Source);
        Assert.Equal(7, e.Reject.Reason);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Associate_CallingAETitleNotInAllowlist_IsRejected()
    {
        await using var server = new ReceivingServer(o => o with { CallingAETitles = ["MODALITY1"] });
        using var timeout = new CancellationTokenSource(Bound);
        var e = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(server.Port).EchoAsync(timeout.Token));
        Assert.Equal(3, e.Reject.Reason);
    }

    [Fact]
    public async Task Associate_CallingPeerValidatorRefuses_IsRejectedAsUnknownCaller()
    {
        (string Calling, IPEndPoint? Remote)? asked = null;
        await using var server = new ReceivingServer(o => o with
        {
            CallingPeerValidator = (calling, remote) =>
            {
                asked = (calling, remote);
                return "not from there";
            },
        });
        using var timeout = new CancellationTokenSource(Bound);
        var e = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(server.Port).EchoAsync(timeout.Token));
        Assert.Equal((AssociateRejectResult.Permanent, 3), (e.Reject.Result, (int)e.Reject.Reason));
        Assert.Equal("TESTSCU", asked?.Calling);
        Assert.Equal(IPAddress.Loopback, asked?.Remote?.Address);
    }

    [Fact]
    public async Task CStore_HandlerThrowsDimseFailure_AnsweredWithItsStatusAndErrorComment()
    {
        var handler = new Network.Store.CStoreHandler(async (request, dataset, cancellationToken) =>
        {
            await dataset.CopyToAsync(Stream.Null, cancellationToken);
            throw new DimseFailureException("C-STORE", DimseStatus.DataSetDoesNotMatchSopClass, "not what the request says");
        });
        await using var server = new ReceivingServer(o => o with { StoreHandler = handler });
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        using var timeout = new CancellationTokenSource(Bound);
        var result = Assert.Single(await Client(server.Port).StoreAsync([file], cancellationToken: timeout.Token));
        Assert.Equal((DimseStatus.DataSetDoesNotMatchSopClass, "not what the request says"), (result.Status, result.Error));
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Stop_WithDrainTimeout_StopsAcceptingAndLetsTheStoreInFlightFinish()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new Network.Store.CStoreHandler(async (request, dataset, cancellationToken) =>
        {
            await dataset.CopyToAsync(Stream.Null, cancellationToken);
            entered.SetResult();
            await gate.Task.WaitAsync(cancellationToken);
            return DimseStatus.Success;
        });
        await using var server = new ReceivingServer(o => o with { StoreHandler = handler });
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        using var timeout = new CancellationTokenSource(Bound);
        var store = Client(server.Port).StoreAsync([file], cancellationToken: timeout.Token);
        await entered.Task.WaitAsync(Bound);

        var stopping = server.Server.StopAsync(Bound);
        try
        {
            await Assert.ThrowsAnyAsync<SocketException>(() => Client(server.Port).EchoAsync(timeout.Token));
            Assert.False(stopping.IsCompleted); // the C-STORE is still in its handler
        }
        finally
        {
            gate.TrySetResult(); // a failed assertion must not leave the handler (and the server's disposal) waiting forever
        }
        Assert.Equal(DimseStatus.Success, Assert.Single(await store).Status);
        await stopping.WaitAsync(Bound);
        Assert.Equal(0, server.Server.OpenAssociations);
    }

    [Fact]
    public async Task Serve_GarbageBytes_AbortsAndKeepsServing()
    {
        await using var server = new ReceivingServer();
        var reply = await SendRawAsync(server.Port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), close: false);
        Assert.Equal((byte)PduType.Abort, reply[0]);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Serve_OversizePduLength_RefusedWithoutAllocating()
    {
        await using var server = new ReceivingServer();
        var reply = await SendRawAsync(server.Port, [0x01, 0, 0xFF, 0xFF, 0xFF, 0xF0, 0, 1], close: false);
        Assert.Equal((byte)PduType.Abort, reply[0]);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Serve_TruncatedPdu_KeepsServing()
    {
        await using var server = new ReceivingServer();
        var request = PduWriter.ToArray(EchoRequest("ISOCENTER"));
        await SendRawAsync(server.Port, request[..(request.Length / 2)], close: true);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Associate_NoAcceptableContext_AcceptsAndRejectsEachContext()
    {
        // PS3.8 9.3.3.2: contexts are answered one by one; an association may be accepted with none of them.
        await using var server = new ReceivingServer(o => o with { TransferSyntaxes = [DicomUid.ExplicitVRLittleEndian] });
        var request = new AssociatePdu(false, "ISOCENTER", "TESTSCU",
            [
                new PresentationContextItem(1, "1.2.3.4.5.6", [DicomUid.ImplicitVRLittleEndian]),
                new PresentationContextItem(3, DicomUid.CTImageStorage, [DicomUid.ImplicitVRLittleEndian]),
            ],
            new UserInformation { MaxPduLength = 16384 });
        var reply = await SendRawAsync(server.Port, PduWriter.ToArray(request), close: false);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(reply);
        Assert.True(PduReader.TryRead(ref sequence, 0, out var pdu));
        var accept = Assert.IsType<AssociatePdu>(pdu);
        Assert.True(accept.IsAccept);
        Assert.Equal([PresentationContextResult.AbstractSyntaxNotSupported, PresentationContextResult.TransferSyntaxesNotSupported],
            accept.PresentationContexts.Select(c => c.Result));
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Serve_ConnectionDroppedMidDataset_KeepsServingAndTellsTheHandler()
    {
        await using var server = new ReceivingServer();
        var file = TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0];
        var data = TestFiles.DataSetBytes(file);
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            using var timeout = new CancellationTokenSource(Bound);
            await StartRawCStoreAsync(socket, server.Port, timeout.Token);
            await socket.SendAsync(PduWriter.ToArray(new PDataTransferPdu([new PresentationDataValue(1, false, false, data.AsMemory(0, 8000))])), timeout.Token);
        }
        await WaitUntil(() => !server.Failures.IsEmpty && server.Server.OpenAssociations == 0);
        // The dataset stream throws (AssociationGoneException), or the token is cancelled first: either way the handler knows.
        Assert.True(server.Failures.Single() is Network.Scp.AssociationGoneException or OperationCanceledException, server.Failures.Single().ToString());
        Assert.Empty(server.Datasets);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Abort_HandlerStillWorking_ReachesTheHandler()
    {
        // The read loop does not wait for the handler, so it sees the A-ABORT and cancels the handler's token.
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new Network.Store.CStoreHandler(async (request, dataset, cancellationToken) =>
        {
            await dataset.CopyToAsync(Stream.Null, cancellationToken);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult(true);
                throw;
            }
            return DimseStatus.Success;
        });
        await using var server = new ReceivingServer(o => o with { StoreHandler = handler });
        var data = TestFiles.DataSetBytes(TestFiles.WriteCtSeries(TestFiles.NewDirectory(), 1, DicomTransferSyntax.ExplicitVRLittleEndian)[0]);
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            using var timeout = new CancellationTokenSource(Bound);
            await StartRawCStoreAsync(socket, server.Port, timeout.Token);
            await socket.SendAsync(PduWriter.ToArray(new PDataTransferPdu([new PresentationDataValue(1, false, true, data)])), timeout.Token);
            await socket.SendAsync(PduWriter.ToArray(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified)), timeout.Token);
            Assert.True(await cancelled.Task.WaitAsync(Bound));
        }
        await WaitUntil(() => server.Server.OpenAssociations == 0);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Serve_ConnectionNeverAsksToAssociate_IsAborted()
    {
        await using var server = new ReceivingServer(o => o with { ArtimTimeout = TimeSpan.FromMilliseconds(300) });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        var buffer = new byte[64];
        var read = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(read == 0 || buffer[0] == (byte)PduType.Abort);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Associate_BeyondTheLimit_RejectedTransiently()
    {
        await using var server = new ReceivingServer(o => o with { MaxAssociations = 1 });
        using var holder = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await holder.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        await WaitUntil(() => server.Server.OpenAssociations == 1);

        var e = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => Client(server.Port).EchoAsync(timeout.Token));
        Assert.Equal(AssociateRejectResult.Transient, e.Reject.Result);

        holder.Close();
        await WaitUntil(() => server.Server.OpenAssociations == 0);
        await AssertEchoWorks(server.Port);
    }

    [Fact]
    public async Task Stop_OpenAssociations_ClosesThem()
    {
        var server = new ReceivingServer();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        await socket.SendAsync(PduWriter.ToArray(EchoRequest("ISOCENTER")), timeout.Token);
        await WaitUntil(() => server.Server.OpenAssociations == 1);
        await server.DisposeAsync().AsTask().WaitAsync(Bound);
        Assert.Equal(0, server.Server.OpenAssociations);
    }

    internal static AssociatePdu EchoRequest(string called) => new(false, called, "TESTSCU",
        [new PresentationContextItem(1, DicomUid.Verification, [DicomUid.ImplicitVRLittleEndian])], new UserInformation { MaxPduLength = 16384 });

    /// <summary>Sends raw bytes; returns what the server answers before it closes (bounded), or nothing when <paramref name="close"/>.</summary>
    private static async Task<byte[]> SendRawAsync(int port, byte[] bytes, bool close)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(Bound);
        await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        await socket.SendAsync(bytes, timeout.Token);
        if (close)
        {
            socket.Shutdown(SocketShutdown.Both);
            return [];
        }
        var received = new MemoryStream();
        var buffer = new byte[65536];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return received.ToArray();
            }
            received.Write(buffer, 0, read);
            var sequence = new System.Buffers.ReadOnlySequence<byte>(received.ToArray());
            if (PduReader.TryRead(ref sequence, 0, out _))
            {
                return received.ToArray();
            }
        }
    }

    // A raw association (no DicomClient) that has sent a C-STORE-RQ command for a CT image on context 1; the dataset is the caller's.
    private static async Task StartRawCStoreAsync(Socket socket, int port, CancellationToken cancellationToken)
    {
        var request = new AssociatePdu(false, "ISOCENTER", "TESTSCU",
            [new PresentationContextItem(1, DicomUid.CTImageStorage, [DicomUid.ExplicitVRLittleEndian])], new UserInformation { MaxPduLength = 16384 });
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        await socket.SendAsync(PduWriter.ToArray(request), cancellationToken);
        // The whole A-ASSOCIATE-AC is read: closing with unread bytes would reset the connection and could discard
        // what was sent before the close.
        Assert.IsType<AssociatePdu>(await ReadPduAsync(socket, cancellationToken));
        var command = DicomCommand.CStoreRequest(1, DicomUid.CTImageStorage, "1.2.3.4.5").Encode();
        await socket.SendAsync(PduWriter.ToArray(new PDataTransferPdu([new PresentationDataValue(1, true, true, command)])), cancellationToken);
    }

    private static async Task<DicomPdu?> ReadPduAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            var sequence = new System.Buffers.ReadOnlySequence<byte>(received.ToArray());
            if (PduReader.TryRead(ref sequence, 0, out var pdu))
            {
                return pdu;
            }
            var read = await socket.ReceiveAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return null;
            }
            received.Write(buffer, 0, read);
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}

/// <summary>Reports on the caller's thread (System.Progress posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
