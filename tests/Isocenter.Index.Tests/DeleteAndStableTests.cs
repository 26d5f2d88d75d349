using static Isocenter.Index.Tests.TestInstances;

namespace Isocenter.Index.Tests;

public sealed class DeleteAndStableTests : IndexDatabase
{
    [Fact]
    public async Task DeleteAsync_InstanceThenSeriesThenStudy_RemovesRowsAndEmptiedParents()
    {
        await Store.UpsertAsync([.. Series("D1", "3.1", "3.1.1", 2), .. Series("D1", "3.1", "3.1.2", 1), .. Series("D1", "3.2", "3.2.1", 1)], CancellationToken.None);

        var one = await Store.DeleteAsync("3.1", "3.1.1", "3.1.1.1", CancellationToken.None);
        Assert.Equal(["3.1.1.1"], one.Select(l => l.SopInstanceUid));
        Assert.Equal(1, await CountAsync("series WHERE series_instance_uid = '3.1.1' AND instance_count = 1"));
        Assert.Equal(1, await CountAsync("study WHERE study_instance_uid = '3.1' AND instance_count = 2 AND series_count = 2"));

        var series = await Store.DeleteAsync("3.1", "3.1.1", null, CancellationToken.None);
        Assert.Equal([new InstanceLocation("3.1", "3.1.1", "3.1.1.2", CtImageStorage, ExplicitVRLittleEndian, "instances/3.1/3.1.1/3.1.1.2.dcm", 1000)], series);
        Assert.Equal(0, await CountAsync("series WHERE series_instance_uid = '3.1.1'"));

        var study = await Store.DeleteAsync("3.1", null, null, CancellationToken.None);
        Assert.Equal(["3.1.2.1"], study.Select(l => l.SopInstanceUid));
        Assert.Equal(0, await CountAsync("study WHERE study_instance_uid = '3.1'"));
        Assert.Equal(1, await CountAsync("patient WHERE patient_id = 'D1'")); // still has study 3.2

        await Store.DeleteAsync("3.2", null, null, CancellationToken.None);
        Assert.Equal(0, await CountAsync("patient WHERE patient_id = 'D1'"));
    }

    [Fact]
    public async Task DeleteAsync_WhileBatchesUpsertTheSameStudy_NoDeadlockAndNoEmptyRowsLeft()
    {
        // Deletes lock patient, study, series in the order upserts do; a deadlock would throw PostgresException 40P01.
        for (var round = 0; round < 10; round++)
        {
            await Task.WhenAll(
                Task.Run(() => Store.UpsertAsync([.. Series("D2", "3.3", "3.3.1", 5), .. Series("D2", "3.3", "3.3.2", 5)], CancellationToken.None)),
                Task.Run(() => Store.UpsertAsync([.. Series("D2", "3.3", "3.3.2", 5), .. Series("D2", "3.3", "3.3.1", 5)], CancellationToken.None)),
                Task.Run(() => Store.DeleteAsync("3.3", null, null, CancellationToken.None)));
        }

        Assert.Equal(0, await CountAsync("series se WHERE NOT EXISTS (SELECT 1 FROM instance i WHERE i.series_pk = se.id)"));
        Assert.Equal(0, await CountAsync("study st WHERE NOT EXISTS (SELECT 1 FROM series se WHERE se.study_pk = st.id)"));
        Assert.Equal(0, await CountAsync("patient p WHERE NOT EXISTS (SELECT 1 FROM study st WHERE st.patient_pk = p.id)"));
    }

    [Fact]
    public async Task DeleteAsync_NothingThere_ReturnsEmpty() =>
        Assert.Empty(await Store.DeleteAsync("3.9", null, null, CancellationToken.None));

    [Fact]
    public async Task TakeStableSeriesAsync_QuietPeriodPassed_ReportsEachChangeOnce()
    {
        var quiet = TimeSpan.FromSeconds(5);
        await Store.UpsertAsync(Series("S1", "4.1", "4.1.1", 2), CancellationToken.None);

        Time.Now += quiet - TimeSpan.FromMilliseconds(1);
        Assert.DoesNotContain(await Store.TakeStableSeriesAsync(quiet, CancellationToken.None), s => s.SeriesInstanceUid == "4.1.1");
        Time.Now += TimeSpan.FromMilliseconds(1);
        Assert.Equal([new SeriesUpdate("4.1", "4.1.1", 2)], await Store.TakeStableSeriesAsync(quiet, CancellationToken.None));
        Assert.Empty(await Store.TakeStableSeriesAsync(quiet, CancellationToken.None));

        // More instances: reported again after a new quiet period.
        await Store.UpsertAsync(Series("S1", "4.1", "4.1.1", 3), CancellationToken.None);
        Assert.Empty(await Store.TakeStableSeriesAsync(quiet, CancellationToken.None));
        Time.Now += quiet;
        Assert.Equal([new SeriesUpdate("4.1", "4.1.1", 3)], await Store.TakeStableSeriesAsync(quiet, CancellationToken.None));
    }

    [Fact]
    public async Task TakeStableSeriesAsync_TwoPollersAtOnce_EachSeriesTakenOnce()
    {
        await Store.UpsertAsync([.. Enumerable.Range(0, 20).SelectMany(s => Series("S2", "4.2", $"4.2.{s}", 1))], CancellationToken.None);
        Time.Now += TimeSpan.FromSeconds(1);

        var taken = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Store.TakeStableSeriesAsync(TimeSpan.FromSeconds(1), CancellationToken.None))));

        Assert.Equal(20, taken.SelectMany(t => t).Where(s => s.StudyInstanceUid == "4.2").Select(s => s.SeriesInstanceUid).Distinct().Count());
        Assert.Equal(20, taken.Sum(t => t.Count(s => s.StudyInstanceUid == "4.2")));
    }
}
