using System.Net;
using System.Runtime.CompilerServices;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Dimse;
using Isocenter.Dicom.Network.Query;
using Isocenter.Dicom.Network.Scp;
using Isocenter.Dicom.Network.Scu;

namespace Isocenter.Dicom.Network.Tests.Query;

/// <summary>Our C-FIND SCU against our C-FIND SCP (PS3.4 C.4.1, PS3.7 9.1.2): matches, C-CANCEL, handler failure.</summary>
public class CFindTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static DicomClient Client(int port) =>
        new("127.0.0.1", port, new DicomClientOptions { CalledAETitle = "ISOCENTER", CallingAETitle = "TESTSCU", DimseTimeout = Bound, AssociationTimeout = Bound });

    private static DicomServer Serve(ICFindHandler handler, out int port)
    {
        var server = new DicomServer(new DicomServerOptions { AETitles = ["ISOCENTER"], FindHandler = handler });
        port = server.Start(new IPEndPoint(IPAddress.Loopback, 0)).Port;
        return server;
    }

    internal static DicomDataset Study(string uid, string name) => new DicomDataset()
        .Set(DicomTag.QueryRetrieveLevel, "STUDY")
        .Set(DicomTag.PatientName, name)
        .Set(DicomTag.StudyInstanceUID, uid);

    private static DicomDataset StudyQuery() => new DicomDataset()
        .Set(DicomTag.QueryRetrieveLevel, "STUDY")
        .Set(DicomTag.PatientName, "A*")
        .Set(DicomTag.StudyInstanceUID, "");

    [Fact]
    public async Task CFind_Matches_YieldsEachAndGivesTheHandlerTheIdentifier()
    {
        CFindRequest? seen = null;
        await using var server = Serve(new CFindHandler((request, _) =>
        {
            seen = request;
            return new[] { Study("1.2.3", "Alpha^One"), Study("1.2.4", "Alpha^Two") }.ToAsyncEnumerable();
        }), out var port);
        using var timeout = new CancellationTokenSource(Bound);

        var matches = await Client(port).FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, StudyQuery(), timeout.Token).ToListAsync(timeout.Token);

        Assert.Equal(["1.2.3", "1.2.4"], matches.Select(m => m.GetString(DicomTag.StudyInstanceUID)));
        Assert.Equal("Alpha^Two", matches[1].GetString(DicomTag.PatientName));
        Assert.NotNull(seen);
        Assert.Equal(DicomUid.StudyRootQueryRetrieveInformationModelFind, seen.SopClassUid);
        Assert.Equal("STUDY", seen.QueryRetrieveLevel);
        Assert.Equal("A*", seen.Identifier.GetString(DicomTag.PatientName));
        Assert.Equal("TESTSCU", seen.Association.CallingAETitle);
    }

    [Fact]
    public async Task CFind_StoppingEarly_SendsCCancelAndCancelsTheHandler()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Serve(new CFindHandler((_, token) => Slowly(cancelled, token)), out var port);
        using var timeout = new CancellationTokenSource(Bound);

        var count = 0;
        await foreach (var _ in Client(port).FindAsync(DicomUid.PatientRootQueryRetrieveInformationModelFind, StudyQuery(), timeout.Token))
        {
            if (++count == 2)
            {
                break;
            }
        }

        Assert.Equal(2, count);
        await cancelled.Task.WaitAsync(Bound); // the handler saw its token cancelled by the C-CANCEL-RQ
        Assert.Equal(DimseStatus.Success, await Client(port).EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CFind_TokenCancelled_StopsTheQueryAndTheHandler()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Serve(new CFindHandler((_, token) => Slowly(cancelled, token)), out var port);
        using var timeout = new CancellationTokenSource(Bound);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Client(port).FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, StudyQuery(), stop.Token))
            {
                await stop.CancelAsync();
            }
        });

        await cancelled.Task.WaitAsync(Bound);
        Assert.Equal(DimseStatus.Success, await Client(port).EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CFind_HandlerThrows_UnableToProcessWithItsMessage()
    {
        await using var server = Serve(new CFindHandler((_, token) => Failing(token)), out var port);
        using var timeout = new CancellationTokenSource(Bound);
        var matches = new List<DicomDataset>();

        var failure = await Assert.ThrowsAsync<DimseFailureException>(async () =>
        {
            await foreach (var match in Client(port).FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, StudyQuery(), timeout.Token))
            {
                matches.Add(match);
            }
        });

        Assert.Single(matches); // what was yielded before the failure went out as Pending
        Assert.Equal(DimseStatus.UnableToProcess, failure.Status);
        Assert.Equal("index unavailable", failure.ErrorComment);
        Assert.Equal(DimseStatus.Success, await Client(port).EchoAsync(timeout.Token));
    }

    [Fact]
    public async Task CFind_NoHandler_IsNotNegotiated()
    {
        await using var server = new ReceivingServer();
        using var timeout = new CancellationTokenSource(Bound);

        await Assert.ThrowsAsync<DicomNetworkException>(async () =>
            await Client(server.Port).FindAsync(DicomUid.StudyRootQueryRetrieveInformationModelFind, StudyQuery(), timeout.Token).ToListAsync(timeout.Token));
    }

    private static async IAsyncEnumerable<DicomDataset> Slowly(TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken token)
    {
        using var registration = token.Register(() => cancelled.TrySetResult());
        for (var i = 0; i < 1000; i++)
        {
            yield return Study($"1.2.{i}", "Alpha^Slow");
            await Task.Delay(TimeSpan.FromMilliseconds(100), token);
        }
    }

    private static async IAsyncEnumerable<DicomDataset> Failing([EnumeratorCancellation] CancellationToken token)
    {
        yield return Study("1.2.3", "Alpha^One");
        await Task.Yield();
        token.ThrowIfCancellationRequested();
        throw new InvalidOperationException("index unavailable");
    }
}
