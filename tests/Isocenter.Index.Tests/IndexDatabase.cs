using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Isocenter.Index.Tests;

/// <summary>A migrated database of its own (one per test class) with a <see cref="PostgresIndexStore"/> on a clock the test moves.</summary>
public class IndexDatabase : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public ManualTime Time { get; } = new();

    public PostgresIndexStore Store { get; private set; } = null!;

    public IndexMigrator Migrator { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(await LocalServers.CreateDatabaseAsync("index_tests"));
        Migrator = new IndexMigrator(DataSource, NullLogger<IndexMigrator>.Instance);
        await Migrator.MigrateAsync(CancellationToken.None);
        Store = new PostgresIndexStore(DataSource, Time);
    }

    public Task DisposeAsync() => DataSource.DisposeAsync().AsTask();

    /// <summary>The number of rows of a table.</summary>
    public async Task<long> CountAsync(string table)
    {
        await using var command = DataSource.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a query of the index.</summary>
    public async Task<List<DicomDataset>> FindAsync(QueryLevel level, DicomDataset identifier, bool fuzzy = false, int? limit = null, int offset = 0)
    {
        var matches = new List<DicomDataset>();
        await foreach (var match in Store.FindAsync(new IndexQuery(level, identifier, fuzzy, limit, offset), CancellationToken.None))
        {
            matches.Add(match);
        }
        return matches;
    }
}

/// <summary>A clock that moves only when the test moves it.</summary>
public sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Datasets as a modality sends them, and the <see cref="InstanceReceived"/> that ingest announces for each.</summary>
public static class TestInstances
{
    public const string CtImageStorage = "1.2.840.10008.5.1.4.1.1.2";
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";

    /// <summary>A dataset with the identifying attributes of each level; <paramref name="extra"/> adds or overrides attributes.</summary>
    public static DicomDataset Dataset(string patientId, string patientName, string study, string series, string sop,
        string modality = "CT", string studyDate = "20240115", string studyTime = "101500", int instanceNumber = 1, int seriesNumber = 1,
        Action<DicomDataset>? extra = null)
    {
        var dataset = new DicomDataset()
            .Set(DicomTag.SOPClassUID, CtImageStorage)
            .Set(DicomTag.SOPInstanceUID, sop)
            .Set(DicomTag.StudyDate, studyDate)
            .Set(DicomTag.StudyTime, studyTime)
            .Set(DicomTag.AccessionNumber, "ACC-" + study[^1..])
            .Set(DicomTag.Modality, modality)
            .Set(DicomTag.ReferringPhysicianName, "Smith^Anna")
            .Set(DicomTag.StudyDescription, "Study " + study)
            .Set(DicomTag.SeriesDescription, "Series " + series)
            .Set(DicomTag.PatientName, patientName)
            .Set(DicomTag.PatientID, patientId)
            .Set(DicomTag.PatientBirthDate, "19700101")
            .Set(DicomTag.PatientSex, "M")
            .Set(DicomTag.StudyInstanceUID, study)
            .Set(DicomTag.SeriesInstanceUID, series)
            .Set(DicomTag.StudyID, "1")
            .Set(DicomTag.SeriesNumber, seriesNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Set(DicomTag.InstanceNumber, instanceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        extra?.Invoke(dataset);
        return dataset;
    }

    /// <summary>The message for <paramref name="dataset"/>: its header as DICOM JSON, an object key from its UIDs.</summary>
    public static InstanceReceived Message(DicomDataset dataset, DateTimeOffset? receivedAt = null)
    {
        var (study, series, sop) = (dataset.GetString(DicomTag.StudyInstanceUID)!, dataset.GetString(DicomTag.SeriesInstanceUID)!, dataset.GetString(DicomTag.SOPInstanceUID)!);
        return new InstanceReceived(study, series, sop, dataset.GetString(DicomTag.SOPClassUID)!, ExplicitVRLittleEndian,
            $"instances/{study}/{series}/{sop}.dcm", 1000, new string('0', 64), DicomJson.Serialize(dataset), "MODALITY",
            receivedAt ?? DateTimeOffset.UnixEpoch);
    }

    /// <summary>Messages for <paramref name="count"/> instances of one series (SOP Instance UIDs <c>{series}.{n}</c>).</summary>
    public static List<InstanceReceived> Series(string patientId, string study, string series, int count, string modality = "CT") =>
        [.. Enumerable.Range(1, count).Select(n => Message(Dataset(patientId, "Doe^John", study, series, $"{series}.{n}", modality, instanceNumber: n)))];

    /// <summary>An identifier from tag/value pairs ("" for a return key).</summary>
    public static DicomDataset Identifier(params object[] pairs)
    {
        var identifier = new DicomDataset();
        for (var i = 0; i < pairs.Length; i += 2)
        {
            var tag = (DicomTag)pairs[i];
            var value = (string)pairs[i + 1];
            identifier.Set(tag, value.Length == 0 ? [] : [value]);
        }
        return identifier;
    }
}
