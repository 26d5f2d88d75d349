using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.DicomWeb.Store;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.DicomWeb.Delete;

/// <summary>
/// DELETE of a study, series or instance: not a PS3.18 transaction, but what the Microsoft DICOM server and dcm4chee offer.
/// The storage service removes objects and rows (<see cref="DeleteInstances"/>) and answers once done: 204, or 404 when
/// nothing matched.
/// </summary>
public static class DeleteEndpoints
{
    /// <summary>Maps DELETE on the study, series and instance resources.</summary>
    public static RouteGroupBuilder MapDelete(this RouteGroupBuilder dicomWeb)
    {
        dicomWeb.MapDelete(DicomWebRoutes.Study, (string study, IRequestClient<DeleteInstances> client, IOptions<StoreOptions> options, CancellationToken cancellationToken) =>
            DeleteAsync(client, options.Value, new DeleteInstances(study, null, null), cancellationToken));
        dicomWeb.MapDelete(DicomWebRoutes.Series, (string study, string series, IRequestClient<DeleteInstances> client, IOptions<StoreOptions> options, CancellationToken cancellationToken) =>
            DeleteAsync(client, options.Value, new DeleteInstances(study, series, null), cancellationToken));
        dicomWeb.MapDelete(DicomWebRoutes.Instance, (string study, string series, string instance, IRequestClient<DeleteInstances> client, IOptions<StoreOptions> options, CancellationToken cancellationToken) =>
            DeleteAsync(client, options.Value, new DeleteInstances(study, series, instance), cancellationToken));
        return dicomWeb;
    }

    private static async Task<IResult> DeleteAsync(IRequestClient<DeleteInstances> client, StoreOptions options, DeleteInstances request, CancellationToken cancellationToken)
    {
        foreach (var uid in (ReadOnlySpan<string?>)[request.StudyInstanceUid, request.SeriesInstanceUid, request.SopInstanceUid])
        {
            if (uid is not null && !DicomUid.IsValid(uid))
            {
                throw DicomWebException.BadRequest($"'{uid}' is not a valid UID (PS3.5 9.1)");
            }
        }
        Response<InstancesDeleted> deleted;
        try
        {
            deleted = await client.GetResponse<InstancesDeleted>(request, cancellationToken, RequestTimeout.After(ms: (int)options.StorageTimeout.TotalMilliseconds));
        }
        catch (RequestTimeoutException)
        {
            throw new DicomWebException(StatusCodes.Status503ServiceUnavailable, $"The storage service did not answer within {options.StorageTimeout}; nothing or part of it may be deleted: send the request again");
        }
        return deleted.Message.Instances.Count > 0 ? Results.NoContent() : throw DicomWebException.NotFound("Nothing stored matches");
    }
}
