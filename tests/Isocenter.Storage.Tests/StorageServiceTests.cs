using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Storage;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Isocenter.Storage.Tests;

public sealed class StorageServiceTests(StorageService service) : IClassFixture<StorageService>
{
    [Fact]
    public async Task InstancesReceived_EachInstanceInAGroupThenAlone_RowsOnceThenSeriesChangedAndSeriesStable()
    {
        var instances = new List<InstanceReceived>();
        for (var i = 1; i <= 30; i++)
        {
            instances.Add(await service.PutAsync("ST1", "2.25.10", "2.25.10.1", $"2.25.10.1.{i}"));
        }

        // Each instance twice (a re-send and a redelivery look the same): in messages of seven (instances stored while the
        // previous announcement was confirmed), then alone.
        await service.Bus.Bus.PublishBatch(instances.Chunk(7).Concat(instances.Select(i => new[] { i })).Select(group => new InstancesReceived(group)));

        Assert.True(await service.Bus.Consumed.Any<SeriesStable>(m => m.Context.Message.SeriesInstanceUid == "2.25.10.1" && m.Context.Message.InstanceCount == 30),
            "SeriesStable with 30 instances was not published");
        Assert.True(await service.Bus.Consumed.Any<SeriesChanged>(m => m.Context.Message.SeriesInstanceUid == "2.25.10.1" && m.Context.Message.InstanceCount == 30));
        Assert.Equal(30, await service.CountAsync("instance WHERE sop_instance_uid LIKE '2.25.10.1.%'"));
        Assert.Equal(1, await service.CountAsync("patient WHERE patient_id = 'ST1'"));
    }

    [Fact]
    public async Task IndexInstances_Request_AnsweredOnceQueryableAndSeriesChangedPublished()
    {
        var instances = new[] { await service.PutAsync("ST2", "2.25.20", "2.25.20.1", "2.25.20.1.1"), await service.PutAsync("ST2", "2.25.20", "2.25.20.1", "2.25.20.1.2") };

        var response = await service.Bus.GetRequestClient<IndexInstances>().GetResponse<InstancesIndexed>(new IndexInstances(instances));

        Assert.Equal(2, response.Message.Count);
        Assert.Equal(2, await service.CountAsync("instance WHERE sop_instance_uid LIKE '2.25.20.1.%'"));
        Assert.True(await service.Bus.Consumed.Any<SeriesChanged>(m => m.Context.Message.SeriesInstanceUid == "2.25.20.1" && m.Context.Message.InstanceCount == 2));
    }

    [Fact]
    public async Task DeleteInstances_InstanceThenStudy_RowsAndObjectsRemovedAndInstancesDeletedPublished()
    {
        var instances = new[]
        {
            await service.PutAsync("ST3", "2.25.30", "2.25.30.1", "2.25.30.1.1"),
            await service.PutAsync("ST3", "2.25.30", "2.25.30.1", "2.25.30.1.2"),
            await service.PutAsync("ST3", "2.25.30", "2.25.30.2", "2.25.30.2.1"),
        };
        await service.Bus.GetRequestClient<IndexInstances>().GetResponse<InstancesIndexed>(new IndexInstances(instances));
        var client = service.Bus.GetRequestClient<DeleteInstances>();

        var one = await client.GetResponse<InstancesDeleted>(new DeleteInstances("2.25.30", "2.25.30.1", "2.25.30.1.1"));
        Assert.Equal([new DeletedInstance("2.25.30", "2.25.30.1", "2.25.30.1.1", instances[0].ObjectKey)], one.Message.Instances);
        Assert.Null(await service.Store.StatAsync(instances[0].ObjectKey, CancellationToken.None));
        Assert.NotNull(await service.Store.StatAsync(instances[1].ObjectKey, CancellationToken.None));

        var study = await client.GetResponse<InstancesDeleted>(new DeleteInstances("2.25.30", null, null));
        Assert.Equal(["2.25.30.1.2", "2.25.30.2.1"], study.Message.Instances.Select(i => i.SopInstanceUid));
        foreach (var instance in instances)
        {
            Assert.Null(await service.Store.StatAsync(instance.ObjectKey, CancellationToken.None));
        }
        Assert.Equal(0, await service.CountAsync("study WHERE study_instance_uid = '2.25.30'"));
        Assert.Equal(0, await service.CountAsync("patient WHERE patient_id = 'ST3'"));
        Assert.True(await service.Bus.Consumed.Any<InstancesDeleted>(m => m.Context.Message.Instances.Count == 2));

        var nothing = await client.GetResponse<InstancesDeleted>(new DeleteInstances("2.25.30", null, null));
        Assert.Empty(nothing.Message.Instances);
    }

    [Fact]
    public async Task InstancesReceived_UnreadableHeaderAmongGoodOnes_GoodOnesIndexedBadOneInErrorQueueAndLogged()
    {
        var good = new List<InstanceReceived>();
        for (var i = 1; i <= 3; i++)
        {
            good.Add(await service.PutAsync("ST4", "2.25.40", "2.25.40.1", $"2.25.40.1.{i}"));
        }
        var bad = good[0] with { SopInstanceUid = "2.25.40.1.99", Header = "{\"00100010\": 5}" };

        await service.Bus.Bus.Publish(new InstancesReceived([.. good, bad]));

        Assert.True(await service.Bus.Consumed.Any<InstancesReceived>(m => m.Context.Message.Instances.Any(i => i.SopInstanceUid == "2.25.40.1.99")),
            "the unreadable instance did not reach storage-instance-received_error");
        await service.Logs.WaitForAsync(e => e.Level == LogLevel.Error && e.Message.Contains("2.25.40.1.99 cannot be indexed", StringComparison.Ordinal));
        Assert.True(await service.Bus.Consumed.Any<SeriesChanged>(m => m.Context.Message.SeriesInstanceUid == "2.25.40.1" && m.Context.Message.InstanceCount == 3));
        Assert.Equal(3, await service.CountAsync("instance WHERE sop_instance_uid LIKE '2.25.40.1.%'"));
    }

    [Fact]
    public async Task InstancesReceived_IndexUnavailable_RetriedAndIndexedOnceItIsBack()
    {
        var instance = await service.PutAsync("ST5", "2.25.50", "2.25.50.1", "2.25.50.1.1");
        await service.ExecuteAsync("ALTER TABLE instance RENAME TO instance_away");
        try
        {
            await service.Bus.Bus.Publish(new InstancesReceived([instance]));
            await service.Logs.WaitForAsync(e => e.Level == LogLevel.Warning && e.Message.Contains("it will be retried", StringComparison.Ordinal));
        }
        finally
        {
            await service.ExecuteAsync("ALTER TABLE instance_away RENAME TO instance");
        }

        Assert.True(await service.Bus.Consumed.Any<SeriesChanged>(m => m.Context.Message.SeriesInstanceUid == "2.25.50.1"), "the retried message was not indexed");
        Assert.Equal(1, await service.CountAsync("instance WHERE sop_instance_uid = '2.25.50.1.1'"));
    }

    [Fact]
    public async Task SeriesStablePublisher_IndexUnavailableForAWhile_LogsAndPublishesOnceItIsBack()
    {
        var instance = await service.PutAsync("ST6", "2.25.60", "2.25.60.1", "2.25.60.1.1");
        await service.Bus.GetRequestClient<IndexInstances>().GetResponse<InstancesIndexed>(new IndexInstances([instance]));
        await service.ExecuteAsync("ALTER TABLE series RENAME TO series_away");
        try
        {
            await service.Logs.WaitForAsync(e => e.Level == LogLevel.Warning && e.Message.StartsWith("Looking for stable series failed", StringComparison.Ordinal));
        }
        finally
        {
            await service.ExecuteAsync("ALTER TABLE series_away RENAME TO series");
        }

        Assert.True(await service.Bus.Consumed.Any<SeriesStable>(m => m.Context.Message.SeriesInstanceUid == "2.25.60.1" && m.Context.Message.InstanceCount == 1));
    }

    [Fact]
    public async Task Host_Started_HealthIncludesIndexAndBroker()
    {
        using var http = new HttpClient { BaseAddress = service.Address };
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/health", UriKind.Relative)));
        Assert.Contains("isocenter_storage_instances_indexed", await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
    }
}
