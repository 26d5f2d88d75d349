using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Isocenter.ObjectStore;

/// <summary>Healthy when the store can be reached: the folder of a <see cref="FileSystemObjectStore"/> exists, the bucket of a <see cref="MinioObjectStore"/> answers (created if missing).</summary>
internal sealed class ObjectStoreHealthCheck(IObjectStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        switch (store)
        {
            case FileSystemObjectStore files:
                return Directory.Exists(files.Root) ? HealthCheckResult.Healthy($"folder {files.Root}") : HealthCheckResult.Unhealthy($"folder {files.Root} does not exist");
            case MinioObjectStore s3:
                try
                {
                    await s3.EnsureBucketAsync(cancellationToken).ConfigureAwait(false);
                    return HealthCheckResult.Healthy($"bucket {s3.Bucket}");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return HealthCheckResult.Unhealthy($"bucket {s3.Bucket}: {e.Message}", e);
                }
            default:
                return HealthCheckResult.Healthy($"{store.GetType().Name} has no probe");
        }
    }
}
