using System.Collections.Concurrent;
using Isocenter.Dicom.Network.Association;
using Isocenter.Dicom.Network.Commitment;

namespace Isocenter.Dicom.Network.Tests.Commitment;

/// <summary>
/// Storage commitment as SCU (PS3.4 J.3) against Orthanc 1.10, which answers the N-ACTION-RQ and sends the N-EVENT-REPORT-RQ
/// on an association of its own to the AE title it knows from its DicomModalities: here our SCP.
/// </summary>
public sealed class StorageCommitmentTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly string _directory = TestFiles.NewDirectory();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(string Calling, StorageCommitmentResult Result)>> _reports = new();
    private OrthancServer _orthanc = null!;

    public StorageCommitmentTests() => Listener = new ReceivingServer(o => o with
    {
        AETitles = ["ISOCOMMIT"],
        StorageCommitmentReportHandler = (calling, result, _) =>
        {
            Report(result.TransactionUid).TrySetResult((calling, result));
            return ValueTask.CompletedTask;
        },
    });

    /// <summary>Our SCP, known to Orthanc as ISOCOMMIT: where its reports go.</summary>
    private ReceivingServer Listener { get; }

    public async Task InitializeAsync() =>
        _orthanc = await OrthancServer.StartAsync(new Dictionary<string, object[]> { ["isocommit"] = ["ISOCOMMIT", "127.0.0.1", Listener.Port] });

    [Fact]
    public async Task RequestStorageCommitment_Orthanc_ReportsStoredCommittedAndUnknownFailedOnItsOwnAssociation()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var files = TestFiles.WriteCtSeries(Path.Combine(_directory, "ct"), 3, DicomTransferSyntax.ExplicitVRLittleEndian, size: 64);
        var stored = await _orthanc.Client("ISOCOMMIT").StoreAsync(files, cancellationToken: timeout.Token);
        Assert.All(stored, r => Assert.True(r.Succeeded, r.ToString()));
        var committed = stored.Select(r => new SopReference(DicomUid.CTImageStorage, r.SopInstanceUid!)).ToList();
        var unknown = new SopReference(DicomUid.CTImageStorage, DicomUid.Generate());
        var transaction = DicomUid.Generate();

        var sameAssociation = await _orthanc.Client("ISOCOMMIT").RequestStorageCommitmentAsync(transaction, [.. committed, unknown], TimeSpan.FromSeconds(1), timeout.Token);
        var (calling, result) = await Report(transaction).Task.WaitAsync(timeout.Token);

        Assert.Null(sameAssociation);
        Assert.Equal("ORTHANC", calling);
        Assert.Equal(transaction, result.TransactionUid);
        Assert.Equal(committed.OrderBy(r => r.SopInstanceUid, StringComparer.Ordinal), result.Committed.OrderBy(r => r.SopInstanceUid, StringComparer.Ordinal));
        var failure = Assert.Single(result.Failed);
        Assert.Equal(unknown, failure.Instance);
        Assert.Equal((ushort)0x0112, failure.FailureReason); // no such object instance (PS3.3 C.14.1.1)
    }

    [Fact]
    public async Task RequestStorageCommitment_CallingAENotKnownToOrthanc_AbortsTheAssociation()
    {
        using var timeout = new CancellationTokenSource(Bound);

        await Assert.ThrowsAsync<DicomAssociationAbortedException>(() => _orthanc.Client("STRANGER").RequestStorageCommitmentAsync(DicomUid.Generate(),
            [new SopReference(DicomUid.CTImageStorage, DicomUid.Generate())], TimeSpan.Zero, timeout.Token));
    }

    private TaskCompletionSource<(string, StorageCommitmentResult)> Report(string transaction) =>
        _reports.GetOrAdd(transaction, _ => new TaskCompletionSource<(string, StorageCommitmentResult)>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task DisposeAsync()
    {
        await _orthanc.DisposeAsync();
        await Listener.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
