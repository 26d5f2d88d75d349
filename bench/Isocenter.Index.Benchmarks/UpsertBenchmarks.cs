using System.Globalization;
using BenchmarkDotNet.Attributes;
using Isocenter.Contracts.Ingest;
using Isocenter.Dicom;
using Isocenter.Dicom.Json;
using Isocenter.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Isocenter.Index.Benchmarks;

/// <summary>
/// <see cref="PostgresIndexStore.UpsertAsync"/> of one batch of new instances of a new series (a CT header of about 60
/// attributes, ~3 KB of DICOM JSON), as the storage service's consumer calls it. Instances per second = BatchSize / Mean.
/// </summary>
[MemoryDiagnoser]
public class UpsertBenchmarks
{
    private NpgsqlDataSource _dataSource = null!;
    private PostgresIndexStore _store = null!;
    private string _header = null!;
    private int _series;

    /// <summary>Instances per <see cref="PostgresIndexStore.UpsertAsync"/> call.</summary>
    [Params(1, 10, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await LocalServers.CreateDatabaseAsync("index_bench"));
        await new IndexMigrator(_dataSource, NullLogger<IndexMigrator>.Instance).MigrateAsync(CancellationToken.None);
        _store = new PostgresIndexStore(_dataSource, TimeProvider.System);
        _header = DicomJson.Serialize(CtHeader());
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _dataSource.DisposeAsync().AsTask();

    [Benchmark]
    public Task<IReadOnlyList<SeriesUpdate>> Upsert()
    {
        var series = Interlocked.Increment(ref _series).ToString(CultureInfo.InvariantCulture);
        var study = "2.25.1." + (_series / 10).ToString(CultureInfo.InvariantCulture); // ten series a study, a study a patient
        var batch = new InstanceReceived[BatchSize];
        for (var i = 0; i < batch.Length; i++)
        {
            var sop = $"2.25.3.{series}.{i}";
            batch[i] = new InstanceReceived(study, "2.25.2." + series, sop, "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.1.2.1",
                $"instances/{study}/2.25.2.{series}/{sop}.dcm", 525_000, new string('a', 64), _header, "CT1", DateTimeOffset.UtcNow);
        }
        return _store.UpsertAsync(batch, CancellationToken.None);
    }

    private static DicomDataset CtHeader()
    {
        var dataset = new DicomDataset();
        foreach (var (keyword, value) in new[]
        {
            ("SpecificCharacterSet", "ISO_IR 100"), ("ImageType", "ORIGINAL\\PRIMARY\\AXIAL"), ("SOPClassUID", "1.2.840.10008.5.1.4.1.1.2"),
            ("SOPInstanceUID", "2.25.3.1.1"), ("StudyDate", "20240115"), ("SeriesDate", "20240115"), ("AcquisitionDate", "20240115"),
            ("ContentDate", "20240115"), ("StudyTime", "101500"), ("SeriesTime", "101700"), ("AcquisitionTime", "101701.123"),
            ("ContentTime", "101701.123"), ("AccessionNumber", "A123456"), ("Modality", "CT"), ("Manufacturer", "Isocenter"),
            ("InstitutionName", "General Hospital"), ("ReferringPhysicianName", "Smith^Anna"), ("StationName", "CT01"),
            ("StudyDescription", "CT Chest with contrast"), ("SeriesDescription", "Axial 1.0 mm"), ("ManufacturerModelName", "Phantom"),
            ("PatientName", "Doe^John"), ("PatientID", "PID123456"), ("PatientBirthDate", "19700101"), ("PatientSex", "M"),
            ("PatientAge", "054Y"), ("BodyPartExamined", "CHEST"), ("SliceThickness", "1.0"), ("KVP", "120"),
            ("DataCollectionDiameter", "500"), ("SoftwareVersions", "1.0"), ("ReconstructionDiameter", "350"),
            ("GantryDetectorTilt", "0"), ("TableHeight", "150"), ("RotationDirection", "CW"), ("ExposureTime", "500"),
            ("XRayTubeCurrent", "200"), ("Exposure", "100"), ("ConvolutionKernel", "STANDARD"), ("PatientPosition", "HFS"),
            ("StudyInstanceUID", "2.25.1.1"), ("SeriesInstanceUID", "2.25.2.1"), ("StudyID", "1"), ("SeriesNumber", "3"),
            ("AcquisitionNumber", "1"), ("InstanceNumber", "42"), ("ImagePositionPatient", "-175\\-175\\-120.5"),
            ("ImageOrientationPatient", "1\\0\\0\\0\\1\\0"), ("FrameOfReferenceUID", "2.25.4.1"), ("PositionReferenceIndicator", ""),
            ("SliceLocation", "-120.5"), ("SamplesPerPixel", "1"), ("PhotometricInterpretation", "MONOCHROME2"), ("Rows", "512"),
            ("Columns", "512"), ("PixelSpacing", "0.683594\\0.683594"), ("BitsAllocated", "16"), ("BitsStored", "12"), ("HighBit", "11"),
            ("PixelRepresentation", "1"), ("WindowCenter", "40"), ("WindowWidth", "400"), ("RescaleIntercept", "-1024"),
            ("RescaleSlope", "1"), ("RescaleType", "HU"),
        })
        {
            dataset.Set(DicomTag.Parse(keyword), value.Length == 0 ? [] : value.Split('\\'));
        }
        return dataset;
    }
}
