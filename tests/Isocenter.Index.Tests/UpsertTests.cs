using Isocenter.Dicom;
using static Isocenter.Index.Tests.TestInstances;

namespace Isocenter.Index.Tests;

public sealed class UpsertTests : IndexDatabase
{
    [Fact]
    public async Task UpsertAsync_NewSeries_ReturnsEachSeriesWithItsCount()
    {
        var batch = Series("U1", "1.2.1", "1.2.1.1", 3).Concat(Series("U1", "1.2.1", "1.2.1.2", 2, "SR")).ToList();

        var updates = await Store.UpsertAsync(batch, CancellationToken.None);

        Assert.Equal([new SeriesUpdate("1.2.1", "1.2.1.1", 3), new SeriesUpdate("1.2.1", "1.2.1.2", 2)], updates);
        var study = Assert.Single(await FindAsync(QueryLevel.Study, Identifier(DicomTag.StudyInstanceUID, "1.2.1",
            DicomTag.NumberOfStudyRelatedSeries, "", DicomTag.NumberOfStudyRelatedInstances, "", DicomTag.ModalitiesInStudy, "")));
        Assert.Equal("2", study.GetString(DicomTag.NumberOfStudyRelatedSeries));
        Assert.Equal("5", study.GetString(DicomTag.NumberOfStudyRelatedInstances));
        Assert.Equal(["CT", "SR"], study.GetStrings(DicomTag.ModalitiesInStudy));
    }

    [Fact]
    public async Task UpsertAsync_SameBatchTwice_RowsOnce()
    {
        var batch = Series("U2", "1.2.2", "1.2.2.1", 4);

        await Store.UpsertAsync(batch, CancellationToken.None);
        var again = await Store.UpsertAsync(batch, CancellationToken.None);

        Assert.Equal([new SeriesUpdate("1.2.2", "1.2.2.1", 4)], again);
        Assert.Equal(4, await CountAsync("instance i JOIN series se ON se.id = i.series_pk WHERE se.series_instance_uid = '1.2.2.1'"));
        Assert.Equal(1, await CountAsync("patient WHERE patient_id = 'U2'"));
    }

    [Fact]
    public async Task UpsertAsync_DuplicatesInsideOneBatch_OneRowWithTheLastCopy()
    {
        var first = Message(Dataset("U3", "Doe^John", "1.2.3", "1.2.3.1", "1.2.3.1.1", extra: d => d.Set(DicomTag.InstanceNumber, "7")));
        var second = Message(Dataset("U3", "Doe^John", "1.2.3", "1.2.3.1", "1.2.3.1.1", extra: d => d.Set(DicomTag.InstanceNumber, "8")));

        var updates = await Store.UpsertAsync([first, second, first with { }, second], CancellationToken.None);

        Assert.Equal([new SeriesUpdate("1.2.3", "1.2.3.1", 1)], updates);
        var instance = Assert.Single(await FindAsync(QueryLevel.Image, Identifier(DicomTag.SeriesInstanceUID, "1.2.3.1", DicomTag.InstanceNumber, "")));
        Assert.Equal("8", instance.GetString(DicomTag.InstanceNumber));
    }

    [Fact]
    public async Task UpsertAsync_ConcurrentOverlappingBatches_NoDeadlockAndEveryInstanceOnce()
    {
        // Eight consumers' batches, each spanning the same four series of two patients in a different order.
        var all = Enumerable.Range(0, 4).SelectMany(s => Series($"U4-{s % 2}", $"1.2.4.{s % 2}", $"1.2.4.{s % 2}.{s}", 40)).ToList();
        var batches = Enumerable.Range(0, 8).Select(b => all.Where((_, i) => i % 8 == b).Reverse().ToList()).ToList();

        await Task.WhenAll(batches.Concat(batches).Select(batch => Task.Run(() => Store.UpsertAsync(batch, CancellationToken.None))));

        Assert.Equal(160, await CountAsync("instance WHERE sop_instance_uid LIKE '1.2.4.%'"));
        var series = await FindAsync(QueryLevel.Series, Identifier(DicomTag.StudyInstanceUID, "1.2.4.0\\1.2.4.1", DicomTag.NumberOfSeriesRelatedInstances, ""));
        Assert.Equal(4, series.Count);
        Assert.All(series, s => Assert.Equal("40", s.GetString(DicomTag.NumberOfSeriesRelatedInstances)));
    }

    [Fact]
    public async Task UpsertAsync_ResentWithCorrectedPatient_MovesTheStudyAndRemovesTheEmptiedPatient()
    {
        await Store.UpsertAsync([Message(Dataset("WRONG", "Wrong^Name", "1.2.5", "1.2.5.1", "1.2.5.1.1"))], CancellationToken.None);

        await Store.UpsertAsync([Message(Dataset("U5", "Right^Name", "1.2.5", "1.2.5.1", "1.2.5.1.1", studyDate: "20250505"))], CancellationToken.None);

        var study = Assert.Single(await FindAsync(QueryLevel.Study, Identifier(DicomTag.StudyInstanceUID, "1.2.5", DicomTag.PatientName, "", DicomTag.StudyDate, "")));
        Assert.Equal(("U5", "Right^Name", "20250505"), (study.GetString(DicomTag.PatientID), study.GetString(DicomTag.PatientName), study.GetString(DicomTag.StudyDate)));
        Assert.Equal(0, await CountAsync("patient WHERE patient_id = 'WRONG'"));
    }

    [Fact]
    public async Task UpsertAsync_InstanceResentIntoAnotherSeries_OldSeriesRemovedAndCountsFollow()
    {
        await Store.UpsertAsync([Message(Dataset("U6", "Doe^John", "1.2.6", "1.2.6.1", "1.2.6.9"))], CancellationToken.None);

        var updates = await Store.UpsertAsync([Message(Dataset("U6", "Doe^John", "1.2.6", "1.2.6.2", "1.2.6.9"))], CancellationToken.None);

        Assert.Equal([new SeriesUpdate("1.2.6", "1.2.6.2", 1)], updates);
        Assert.Equal(0, await CountAsync("series WHERE series_instance_uid = '1.2.6.1'"));
    }

    [Fact]
    public async Task UpsertAsync_SeriesResentUnderAnotherStudy_EmptiedStudyAndPatientRemoved()
    {
        await Store.UpsertAsync([Message(Dataset("U8-OLD", "Doe^John", "1.2.8", "1.2.8.1", "1.2.8.1.1"))], CancellationToken.None);

        var updates = await Store.UpsertAsync([Message(Dataset("U8", "Doe^John", "1.2.9", "1.2.8.1", "1.2.8.1.1"))], CancellationToken.None);

        Assert.Equal([new SeriesUpdate("1.2.9", "1.2.8.1", 1)], updates);
        Assert.Equal(0, await CountAsync("study WHERE study_instance_uid = '1.2.8'"));
        Assert.Equal(0, await CountAsync("patient WHERE patient_id = 'U8-OLD'"));
    }

    [Fact]
    public async Task UpsertAsync_HeaderNotDicomJson_ThrowsDicomDataException()
    {
        var message = Message(Dataset("U7", "Doe^John", "1.2.7", "1.2.7.1", "1.2.7.1.1")) with { Header = "{\"00100010\": 5}" };

        await Assert.ThrowsAsync<DicomDataException>(() => Store.UpsertAsync([message], CancellationToken.None));
    }
}
