using System.Security.Cryptography;
using System.Text;
using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Dicom.Deidentification;
using Isocenter.Dicom.Json;
using Isocenter.ObjectStore;
using MassTransit;
using Npgsql;

namespace Isocenter.Storage.Tests;

/// <summary>The storage service's de-identified copies for reading sets (DeidentifyStudy), against PostgreSQL and RabbitMQ.</summary>
public sealed class DeidentifyStudyTests(StorageService service) : IClassFixture<StorageService>
{
    private const string Study = "1.2.826.0.1.3680043.10.77";

    [Fact]
    public async Task DeidentifyStudy_ThreeCtAndOneSecondaryCapture_CopiesIndexedMappedAndScrubbed_ScHeldBack_RedeliverySame()
    {
        var instances = new List<InstanceReceived>();
        for (var i = 1; i <= 3; i++)
        {
            instances.Add(await PutAsync($"{Study}.1", $"{Study}.1.{i}", "1.2.840.10008.5.1.4.1.1.2"));
        }
        instances.Add(await PutAsync($"{Study}.2", $"{Study}.2.1", "1.2.840.10008.5.1.4.1.1.7")); // secondary capture, no Burned In Annotation
        await service.Bus.GetRequestClient<IndexInstances>().GetResponse<InstancesIndexed>(new IndexInstances(instances));
        var set = Guid.NewGuid();
        var secret = RandomNumberGenerator.GetBytes(32);
        await InsertKeyAsync(set, secret);
        var keys = new DeidentificationKeys(secret);
        var copyStudy = keys.MapUid(Study);

        await service.Bus.Bus.Publish(new DeidentifyStudy(set, Study, new DeidentificationProfile()));

        var completed = await WaitAsync(set, "completed");
        Assert.Equal(copyStudy, completed.DeidentifiedStudyInstanceUid);
        Assert.Equal((4, 3), (completed.Total, completed.Done));
        var held = Assert.Single(completed.HeldBack);
        Assert.Equal(($"{Study}.2", 1), (held.SeriesInstanceUid, held.Instances));
        Assert.Contains("Secondary Capture", held.Reason, StringComparison.Ordinal);
        Assert.True(await service.Bus.Consumed.Any<StudyDeidentificationChanged>(m => m.Context.Message.ReadingSetId == set && m.Context.Message.State == "running"));

        // Indexed before completed (what QIDO reads), then the series becomes stable (thumbnails follow).
        Assert.Equal(1, await service.CountAsync($"study WHERE study_instance_uid = '{copyStudy}'"));
        Assert.Equal(3, await service.CountAsync($"instance WHERE sop_instance_uid IN ('{keys.MapUid($"{Study}.1.1")}', '{keys.MapUid($"{Study}.1.2")}', '{keys.MapUid($"{Study}.1.3")}')"));
        Assert.Equal(6, await service.CountAsync($"deid_mapping WHERE reading_set_id = '{set}'"));
        Assert.Equal(1, await service.CountAsync($"deid_mapping WHERE reading_set_id = '{set}' AND kind = 'study' AND original = '{Study}' AND pseudonym = '{copyStudy}'"));
        Assert.True(await service.Bus.Consumed.Any<SeriesStable>(m => m.Context.Message.SeriesInstanceUid == keys.MapUid($"{Study}.1") && m.Context.Message.InstanceCount == 3));

        // Nothing of the originals in the copies' bytes, object keys included.
        for (var i = 1; i <= 3; i++)
        {
            var key = ObjectKeys.Instance(copyStudy, keys.MapUid($"{Study}.1"), keys.MapUid($"{Study}.1.{i}"));
            await using var stream = await service.Store.OpenReadAsync(key, CancellationToken.None);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            var text = Encoding.Latin1.GetString(bytes.ToArray()) + key;
            foreach (var original in new[] { "SECRET", Study, "20230405", "19700101", "DEIDTEST-PID" })
            {
                Assert.DoesNotContain(original, text, StringComparison.OrdinalIgnoreCase);
            }
        }

        // A redelivery rewrites the same copies: the same rows, no more.
        await service.Bus.Bus.Publish(new DeidentifyStudy(set, Study, new DeidentificationProfile()));
        var events = AsyncEnumerable.Where(service.Bus.Consumed.SelectAsync<StudyDeidentificationChanged>(), m => m.Context.Message.ReadingSetId == set && m.Context.Message.State == "completed");
        Assert.Equal(2, await AsyncEnumerable.CountAsync(AsyncEnumerable.Take(events, 2)));
        Assert.Equal(3, await service.CountAsync($"instance i JOIN series s ON s.id = i.series_pk WHERE s.series_instance_uid = '{keys.MapUid($"{Study}.1")}'"));
        Assert.Equal(6, await service.CountAsync($"deid_mapping WHERE reading_set_id = '{set}'"));
    }

    [Fact]
    public async Task DeidentifyStudy_NoKeyOrNoInstances_Failed()
    {
        var noKey = Guid.NewGuid();
        await service.Bus.Bus.Publish(new DeidentifyStudy(noKey, Study, new DeidentificationProfile()));
        Assert.Contains("no key", (await WaitAsync(noKey, "failed")).Error, StringComparison.Ordinal);

        var empty = Guid.NewGuid();
        await InsertKeyAsync(empty, RandomNumberGenerator.GetBytes(32));
        await service.Bus.Bus.Publish(new DeidentifyStudy(empty, "1.2.826.0.1.3680043.10.404", new DeidentificationProfile()));
        Assert.Contains("no instances", (await WaitAsync(empty, "failed")).Error, StringComparison.Ordinal);
    }

    private async Task<StudyDeidentificationChanged> WaitAsync(Guid set, string state)
    {
        var events = AsyncEnumerable.Where(service.Bus.Consumed.SelectAsync<StudyDeidentificationChanged>(), m => m.Context.Message.ReadingSetId == set && m.Context.Message.State is "completed" or "failed");
        var message = (await AsyncEnumerable.FirstAsync(events)).Context.Message;
        Assert.True(message.State == state, $"expected {state}, got {message.State}: {message.Error}");
        return message;
    }

    private async Task InsertKeyAsync(Guid set, byte[] secret)
    {
        await using var command = service.Index.CreateCommand("INSERT INTO deid_key (reading_set_id, secret) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = set });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = secret });
        await command.ExecuteNonQueryAsync();
    }

    private async Task<InstanceReceived> PutAsync(string series, string sop, string sopClass)
    {
        var dataset = new DicomDataset()
            .Set(DicomTag.SOPClassUID, sopClass)
            .Set(DicomTag.SOPInstanceUID, sop)
            .Set(DicomTag.StudyInstanceUID, Study)
            .Set(DicomTag.SeriesInstanceUID, series)
            .Set(DicomTag.FrameOfReferenceUID, Study + ".9")
            .Set(DicomTag.Modality, "CT")
            .Set(DicomTag.PatientName, "SECRET^PATIENT")
            .Set(DicomTag.PatientID, "DEIDTEST-PID")
            .Set(DicomTag.PatientBirthDate, "19700101")
            .Set(DicomTag.StudyDate, "20230405")
            .Set(DicomTag.StudyDescription, "SECRET STUDY DESCRIPTION")
            .Set(DicomTag.SeriesDescription, "SECRET SERIES")
            .Set(DicomTag.InstitutionName, "SECRET HOSPITAL")
            .Set(DicomTag.ReferringPhysicianName, "SECRET^DOCTOR")
            .Set(DicomTag.AccessionNumber, "SECRETACC")
            .Set(DicomTag.Rows, (ushort)64)
            .Set(DicomTag.Columns, (ushort)64)
            .Set(DicomTag.BitsAllocated, (ushort)16)
            .Set(DicomTag.BitsStored, (ushort)12)
            .Set(DicomTag.HighBit, (ushort)11)
            .Set(DicomTag.PixelRepresentation, (ushort)0)
            .Set(DicomTag.SamplesPerPixel, (ushort)1)
            .Set(DicomTag.PhotometricInterpretation, "MONOCHROME2")
            .Add(new DicomValueElement(DicomTag.PixelData, DicomVR.OW, DicomBuffer.FromBytes(new byte[64 * 64 * 2])));
        var key = ObjectKeys.Instance(Study, series, sop);
        using var stream = new MemoryStream();
        new DicomFile(dataset).Save(stream);
        var size = stream.Length;
        stream.Position = 0;
        await service.Store.PutAsync(key, stream, CancellationToken.None);
        dataset.Remove(DicomTag.PixelData);
        return new InstanceReceived(Study, series, sop, sopClass, "1.2.840.10008.1.2.1", key, size, new string('0', 64), DicomJson.Serialize(dataset), "TEST", DateTimeOffset.UnixEpoch);
    }
}
