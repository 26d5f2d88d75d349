using Isocenter.Contracts.Ingest;
using Isocenter.Contracts.Pacs;
using Isocenter.Contracts.Render;
using Isocenter.Contracts.Storage;
using Isocenter.Contracts.Thumbnails;
using MassTransit;

namespace Isocenter.DicomWeb.Activity;

/// <summary>
/// Feeds the <see cref="ActivityFeed"/> from the bus. Every DICOMweb instance runs it on a temporary queue of its own
/// (<c>AddInstanceConsumer</c>), so each hears every event whichever instance a viewer is connected to.
/// </summary>
public sealed class ActivityConsumer(ActivityFeed feed) : IConsumer<InstancesReceived>, IConsumer<SeriesChanged>, IConsumer<SeriesStable>,
    IConsumer<InstancesDeleted>, IConsumer<ThumbnailWritten>, IConsumer<VolumeLoaded>, IConsumer<RetrievalChanged>, IConsumer<SendChanged>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<InstancesReceived> context)
    {
        foreach (var m in context.Message.Instances)
        {
            feed.InstanceReceived(m.StudyInstanceUid, m.SeriesInstanceUid, m.SopInstanceUid);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<SeriesChanged> context)
    {
        var m = context.Message;
        feed.SeriesIndexed(m.StudyInstanceUid, m.SeriesInstanceUid, m.InstanceCount);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<SeriesStable> context)
    {
        var m = context.Message;
        feed.SeriesStable(m.StudyInstanceUid, m.SeriesInstanceUid, m.InstanceCount);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<InstancesDeleted> context)
    {
        foreach (var (study, series) in context.Message.Instances.Select(i => (i.StudyInstanceUid, i.SeriesInstanceUid)).Distinct())
        {
            feed.SeriesDeleted(study, series);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<ThumbnailWritten> context)
    {
        feed.Publish(ActivityEvent.Create(ActivityEvent.Thumbnail, context.Message.StudyInstanceUid, context.Message.SeriesInstanceUid));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<VolumeLoaded> context)
    {
        feed.Publish(ActivityEvent.Create(ActivityEvent.Volume, context.Message.StudyInstanceUid, context.Message.SeriesInstanceUid));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<RetrievalChanged> context)
    {
        var m = context.Message;
        feed.JobChanged(m.Id, PacsJobStates.IsFinished(m.State), m.UpdatedAt, ActivityEvent.ForJob(ActivityEvent.Retrieval, m.StudyInstanceUid, m));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task Consume(ConsumeContext<SendChanged> context)
    {
        var m = context.Message;
        feed.JobChanged(m.Id, PacsJobStates.IsFinished(m.State), m.UpdatedAt, ActivityEvent.ForJob(ActivityEvent.Send, m.StudyInstanceUid, m));
        return Task.CompletedTask;
    }
}
