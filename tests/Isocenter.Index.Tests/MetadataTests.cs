using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using static Isocenter.Index.Tests.TestInstances;

namespace Isocenter.Index.Tests;

/// <summary>Headers and versions of a study, series or instance (WADO-RS metadata and its ETag).</summary>
public sealed class MetadataTests : IndexDatabase
{
    [Fact]
    public async Task ListMetadataAsync_StudySeriesInstance_HeadersInSeriesThenInstanceOrder()
    {
        // Series 5.1.2 is number 1, 5.1.1 number 2; instances are numbered against their UIDs' order.
        await Store.UpsertAsync([.. new[] { ("5.1.1", 2, "5.1.1.1", 2), ("5.1.1", 2, "5.1.1.2", 1), ("5.1.2", 1, "5.1.2.1", 1), ("5.1.2", 1, "5.1.2.2", 2) }
            .Select(i => Message(Dataset("M1", "Doe^John", "5.1", i.Item1, i.Item3, seriesNumber: i.Item2, instanceNumber: i.Item4)))], CancellationToken.None);

        Assert.Equal(["5.1.2.1", "5.1.2.2", "5.1.1.2", "5.1.1.1"], await SopsAsync("5.1", null, null));
        Assert.Equal(["5.1.1.2", "5.1.1.1"], await SopsAsync("5.1", "5.1.1", null));
        Assert.Equal(["5.1.1.2"], await SopsAsync("5.1", "5.1.1", "5.1.1.2"));
        Assert.Empty(await SopsAsync("5.1", "5.1.9", null));
        var header = await Store.ListMetadataAsync("5.1", "5.1.1", "5.1.1.2", CancellationToken.None).SingleAsync();
        Assert.Equal("5.1.1.2", DicomJson.Deserialize(header.Header).GetString(DicomTag.SOPInstanceUID));
        Assert.Equal((ExplicitVRLittleEndian, "5.1.1"), (header.TransferSyntaxUid, header.SeriesInstanceUid));
    }

    [Fact]
    public async Task GetVersionAsync_AddReplaceRemove_EachChangesTheVersion()
    {
        Assert.Null(await Store.GetVersionAsync("5.2", null, null, CancellationToken.None));
        var t0 = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        await Store.UpsertAsync([Message(Dataset("M2", "Doe^Jane", "5.2", "5.2.1", "5.2.1.1"), t0), Message(Dataset("M2", "Doe^Jane", "5.2", "5.2.1", "5.2.1.2"), t0)], CancellationToken.None);

        var first = await Store.GetVersionAsync("5.2", null, null, CancellationToken.None);
        Assert.Equal((2, t0), (first!.InstanceCount, first.LastModified));
        Assert.Equal(first, await Store.GetVersionAsync("5.2", null, null, CancellationToken.None));

        await Store.UpsertAsync([Message(Dataset("M2", "Doe^Jane", "5.2", "5.2.1", "5.2.1.2"), t0.AddMinutes(1))], CancellationToken.None);
        var replaced = await Store.GetVersionAsync("5.2", "5.2.1", null, CancellationToken.None);
        Assert.Equal((2, t0.AddMinutes(1)), (replaced!.InstanceCount, replaced.LastModified));

        await Store.DeleteAsync("5.2", "5.2.1", "5.2.1.1", CancellationToken.None);
        var removed = await Store.GetVersionAsync("5.2", null, null, CancellationToken.None);
        Assert.Equal(1, removed!.InstanceCount);
        Assert.NotEqual(replaced.Checksum, removed.Checksum);
        Assert.Equal(removed, await Store.GetVersionAsync("5.2", "5.2.1", "5.2.1.2", CancellationToken.None));
    }

    private async Task<List<string>> SopsAsync(string study, string? series, string? sop) =>
        await Store.ListMetadataAsync(study, series, sop, CancellationToken.None).Select(m => m.SopInstanceUid).ToListAsync();
}
