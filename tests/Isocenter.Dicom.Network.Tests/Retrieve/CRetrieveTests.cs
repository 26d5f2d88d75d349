using System.Collections.Concurrent;
using System.Net;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Scu;
using Isocenter.Dicom.Network.Store;

namespace Isocenter.Dicom.Network.Tests.Retrieve;

/// <summary>Our C-MOVE and C-GET SCU against our SCP (PS3.4 C.4.2, C.4.3; PS3.7 9.1.3-9.1.4; PS3.8 role selection).</summary>
public sealed class CRetrieveTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestFiles.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static DicomClient Client(int port) =>
        new("127.0.0.1", port, new DicomClientOptions { CalledAETitle = "ISOCENTER", CallingAETitle = "TESTSCU", DimseTimeout = Bound, AssociationTimeout = Bound });

    internal static DicomDataset StudyKeys(string file) => new DicomDataset()
        .Set(DicomTag.QueryRetrieveLevel, "STUDY")
        .Set(DicomTag.StudyInstanceUID, DicomFile.Open(file).Dataset.GetString(DicomTag.StudyInstanceUID)!);

    /// <summary>Collects each progress report as it is made (not through a synchronization context).</summary>
    internal sealed class Reports : IProgress<SubOperationCounts>
    {
        public ConcurrentQueue<SubOperationCounts> Seen { get; } = new();

        public void Report(SubOperationCounts value) => Seen.Enqueue(value);
    }

    [Fact]
    public async Task MoveAsync_ToOurListener_SendsEachByteIdenticalWithCounts()
    {
        var files = TestFiles.WriteCtSeries(_directory, 5, DicomTransferSyntax.ExplicitVRLittleEndian, size: 32);
        await using var destination = new ReceivingServer(o => o with { AETitles = ["DEST"] });
        await using var source = new RetrievingServer(files, new Dictionary<string, DnsEndPoint> { ["DEST"] = new("127.0.0.1", destination.Port) });
        var reports = new Reports();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await Client(source.Port).MoveAsync(DicomUid.StudyRootQueryRetrieveInformationModelMove, StudyKeys(files[0]), "DEST", reports, timeout.Token);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.Equal(new SubOperationCounts(0, 5, 0, 0), result.SubOperations);
        Assert.Empty(result.FailedSopInstanceUids);
        Assert.Equal([4, 3, 2, 1], reports.Seen.Select(r => (int)r.Remaining));
        Assert.Equal("STUDY", Assert.Single(source.Requests).QueryRetrieveLevel);
        foreach (var file in files)
        {
            var received = destination.Datasets[DicomFileHeader.Read(file).SopInstanceUid];
            Assert.Equal(TestFiles.DataSetBytes(file), received.Bytes);
            Assert.Equal("ISOCENTER", received.CallingAETitle); // the sub-association is opened by the SCP under its own title
        }
    }

    [Fact]
    public async Task MoveAsync_UnknownDestination_FailsWithA801()
    {
        var files = TestFiles.WriteCtSeries(_directory, 1, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        await using var source = new RetrievingServer(files);
        using var timeout = new CancellationTokenSource(Bound);

        var failure = await Assert.ThrowsAsync<DimseFailureException>(() =>
            Client(source.Port).MoveAsync(DicomUid.PatientRootQueryRetrieveInformationModelMove, StudyKeys(files[0]), "NOWHERE", cancellationToken: timeout.Token));

        Assert.Equal(DimseStatus.MoveDestinationUnknown, failure.Status);
        Assert.Empty(source.Requests); // refused before the handler is asked
        Assert.Equal(DimseStatus.Success, await Client(source.Port).EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task MoveAsync_DestinationRefusesOne_WarningWithFailedUidList()
    {
        var files = TestFiles.WriteCtSeries(_directory, 3, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        var refused = DicomFileHeader.Read(files[1]).SopInstanceUid;
        await using var destination = new ReceivingServer(o => o with
        {
            AETitles = ["DEST"],
            StoreHandler = new CStoreHandler(async (request, dataset, token) =>
            {
                await dataset.CopyToAsync(Stream.Null, token);
                return request.SopInstanceUid == refused ? DimseStatus.OutOfResources : DimseStatus.Success;
            }),
        });
        await using var source = new RetrievingServer(files, new Dictionary<string, DnsEndPoint> { ["DEST"] = new("localhost", destination.Port) });
        using var timeout = new CancellationTokenSource(Bound);

        var result = await Client(source.Port).MoveAsync(DicomUid.StudyRootQueryRetrieveInformationModelMove, StudyKeys(files[0]), "DEST", cancellationToken: timeout.Token);

        Assert.Equal(DimseStatus.SubOperationsWarning, result.Status);
        Assert.Equal(new SubOperationCounts(0, 2, 1, 0), result.SubOperations);
        Assert.Equal([refused], result.FailedSopInstanceUids);
    }

    [Fact]
    public async Task MoveAsync_Cancelled_SendsCCancelAndTheScpStops()
    {
        var files = TestFiles.WriteCtSeries(_directory, 10, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        var sink = new HeldSecondStore();
        await using var destination = new ReceivingServer(o => o with { AETitles = ["DEST"], StoreHandler = sink });
        await using var source = new RetrievingServer(files, new Dictionary<string, DnsEndPoint> { ["DEST"] = new("127.0.0.1", destination.Port) }, sink.WatchAsync);
        using var timeout = new CancellationTokenSource(Bound);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var progress = new CancelOnFirst(stop);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client(source.Port).MoveAsync(DicomUid.StudyRootQueryRetrieveInformationModelMove, StudyKeys(files[0]), "DEST", progress, stop.Token));

        await sink.CancelSeen.WaitAsync(Bound);
        Assert.Equal(DimseStatus.Success, await Client(source.Port).EchoAsync(timeout.Token));
        Assert.InRange(sink.Received, 1, 2); // the sub-operation in flight finished; no further one was started
    }

    private sealed class CancelOnFirst(CancellationTokenSource stop) : IProgress<SubOperationCounts>
    {
        public void Report(SubOperationCounts value) => stop.Cancel();
    }

    [Fact]
    public async Task GetAsync_OurScp_StreamsEachByteIdenticalIntoTheSink()
    {
        var files = TestFiles.WriteCtSeries(_directory, 4, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64);
        await using var source = new RetrievingServer(files);
        var sink = new MemorySink();
        var reports = new Reports();
        using var timeout = new CancellationTokenSource(Bound);

        var result = await Client(source.Port).GetAsync(DicomUid.PatientRootQueryRetrieveInformationModelGet, StudyKeys(files[0]), sink, progress: reports, cancellationToken: timeout.Token);

        Assert.Equal(DimseStatus.Success, result.Status);
        Assert.Equal(new SubOperationCounts(0, 4, 0, 0), result.SubOperations);
        Assert.Equal(3, reports.Seen.Count);
        foreach (var file in files)
        {
            Assert.Equal(TestFiles.DataSetBytes(file), sink.Datasets[DicomFileHeader.Read(file).SopInstanceUid]);
        }
    }

    [Fact]
    public async Task GetAsync_SinkFails_WarningWithFailedUid()
    {
        var files = TestFiles.WriteCtSeries(_directory, 2, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        var failing = DicomFileHeader.Read(files[0]).SopInstanceUid;
        await using var source = new RetrievingServer(files);
        using var timeout = new CancellationTokenSource(Bound);
        var sink = new CStoreHandler(async (request, dataset, token) =>
        {
            await dataset.CopyToAsync(Stream.Null, token);
            return request.SopInstanceUid == failing ? throw new IOException("disk full") : DimseStatus.Success;
        });

        var result = await Client(source.Port).GetAsync(DicomUid.StudyRootQueryRetrieveInformationModelGet, StudyKeys(files[0]), sink, cancellationToken: timeout.Token);

        Assert.Equal(DimseStatus.SubOperationsWarning, result.Status);
        Assert.Equal(new SubOperationCounts(0, 1, 1, 0), result.SubOperations);
        Assert.Equal([failing], result.FailedSopInstanceUids);
    }

    [Fact]
    public async Task CGet_CCancelAfterFirstPending_ScpAnswersCancelWithRemainingCount()
    {
        var files = TestFiles.WriteCtSeries(_directory, 10, DicomTransferSyntax.ExplicitVRLittleEndian, size: 16);
        var sink = new HeldSecondStore();
        await using var source = new RetrievingServer(files, onRequest: sink.WatchAsync);
        using var timeout = new CancellationTokenSource(Bound);
        var options = new DicomClientOptions { CalledAETitle = "ISOCENTER", DimseTimeout = Bound, AssociationTimeout = Bound };
        await using var association = await ScuAssociation.OpenAsync("127.0.0.1", source.Port, options,
            [new(1, DicomUid.StudyRootQueryRetrieveInformationModelGet, [DicomUid.ExplicitVRLittleEndian]), new(3, DicomUid.CTImageStorage, [DicomUid.ExplicitVRLittleEndian])],
            timeout.Token, [new(DicomUid.CTImageStorage, ScuRole: false, ScpRole: true)], sink);
        var context = association.Association.FindContext(DicomUid.StudyRootQueryRetrieveInformationModelGet)!;
        using var identifier = DimseDataSet.Encode(StudyKeys(files[0]), context.TransferSyntax);
        var request = await association.SendRequestAsync(context, id => DicomCommand.CGetRequest(id, DicomUid.StudyRootQueryRetrieveInformationModelGet), identifier, timeout.Token);

        var (response, _) = await association.ReadResponseAsync(request, timeout.Token);
        Assert.Equal(DimseStatus.Pending, response.Status);
        await association.SendCancelAsync(context, request, timeout.Token);
        while (DimseStatus.IsPending(response.Status))
        {
            (response, _) = await association.ReadResponseAsync(request, timeout.Token);
        }

        Assert.Equal(DimseStatus.Cancel, response.Status);
        Assert.Equal(10 - sink.Received, response.SubOperations.Remaining);
        Assert.Equal(sink.Received, response.SubOperations.Completed);
        await association.ReleaseAsync(timeout.Token);
    }

    [Fact]
    public async Task GetAsync_NoRetrieveHandler_IsNotNegotiated()
    {
        await using var server = new ReceivingServer();
        using var timeout = new CancellationTokenSource(Bound);

        await Assert.ThrowsAsync<DicomNetworkException>(() =>
            Client(server.Port).GetAsync(DicomUid.StudyRootQueryRetrieveInformationModelGet, new DicomDataset(), new MemorySink(), cancellationToken: timeout.Token));
    }

    /// <summary>
    /// A C-STORE sink that holds the second sub-operation until the SCP's retrieve handler has seen its token cancelled (by
    /// the C-CANCEL-RQ): so the SCP cannot have started a third one, whatever the scheduling.
    /// </summary>
    private sealed class HeldSecondStore : ICStoreHandler
    {
        private readonly TaskCompletionSource _cancelSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _received;

        public Task CancelSeen => _cancelSeen.Task;

        public int Received => Volatile.Read(ref _received);

        /// <summary>For the retrieve handler: watches its token.</summary>
        public ValueTask WatchAsync(Network.Retrieve.CRetrieveRequest request, CancellationToken token)
        {
            token.Register(() => _cancelSeen.TrySetResult());
            return ValueTask.CompletedTask;
        }

        public async ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
        {
            await dataset.CopyToAsync(Stream.Null, cancellationToken);
            if (Interlocked.Increment(ref _received) == 2)
            {
                await _cancelSeen.Task.WaitAsync(cancellationToken);
            }
            return DimseStatus.Success;
        }
    }

    /// <summary>A C-STORE sink keeping each dataset's bytes by SOP Instance UID.</summary>
    internal sealed class MemorySink : ICStoreHandler
    {
        public ConcurrentDictionary<string, byte[]> Datasets { get; } = new();

        public async ValueTask<ushort> OnCStoreAsync(CStoreRequest request, Stream dataset, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            await dataset.CopyToAsync(buffer, cancellationToken);
            Datasets[request.SopInstanceUid] = buffer.ToArray();
            return DimseStatus.Success;
        }
    }
}
