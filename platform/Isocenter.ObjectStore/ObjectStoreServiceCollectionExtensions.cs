using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Isocenter.ObjectStore;

/// <summary><see cref="AddObjectStore"/>: the object store a service's configuration names, and its health check.</summary>
public static class ObjectStoreServiceCollectionExtensions
{
    /// <summary>The configuration section read by <see cref="AddObjectStore"/>.</summary>
    public const string SectionName = "ObjectStore";

    /// <summary>The name of the health check <see cref="AddObjectStore"/> registers.</summary>
    public const string HealthCheckName = "object-store";

    /// <summary>The tag of readiness checks (those that need a dependency), which the object store's check carries.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Registers one <see cref="IObjectStore"/> singleton from the <c>ObjectStore</c> section: <c>Kind</c> =
    /// <c>FileSystem</c> (the default; <c>Root</c>: the folder) or <c>S3</c> (<c>Endpoint</c> such as
    /// <c>http://127.0.0.1:59000</c>, <c>AccessKey</c>, <c>SecretKey</c>, <c>Bucket</c>, optional <c>Region</c>), and a
    /// health check tagged <see cref="ReadyTag"/> that the folder exists or the bucket answers (and exists: it is created
    /// when missing).
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting the kind needs is missing or invalid; the message names it.</exception>
    public static IServiceCollection AddObjectStore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var kind = section["Kind"] is { Length: > 0 } named ? named : "FileSystem";
        if (kind.Equals("FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            var root = Required(section, "Root", "the folder of the objects, for Kind FileSystem (the default; Kind S3 uses Endpoint, AccessKey, SecretKey and Bucket)");
            services.AddSingleton<IObjectStore>(_ => new FileSystemObjectStore(root));
        }
        else if (kind.Equals("S3", StringComparison.OrdinalIgnoreCase))
        {
            var endpoint = Required(section, "Endpoint", "the S3 server's URL, such as http://127.0.0.1:59000");
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
            {
                throw new InvalidOperationException($"{SectionName}:Endpoint '{endpoint}' is not an http or https URL of a server (such as http://127.0.0.1:59000, no path).");
            }
            var options = new MinioObjectStoreOptions(uri, Required(section, "AccessKey", "the S3 access key"), Required(section, "SecretKey", "the S3 secret key"),
                Required(section, "Bucket", "the S3 bucket of the objects"), section["Region"] is { Length: > 0 } region ? region : null);
            services.AddSingleton<IObjectStore>(_ => new MinioObjectStore(options));
        }
        else
        {
            throw new InvalidOperationException($"{SectionName}:Kind is '{kind}': it is FileSystem (the default) or S3.");
        }
        services.AddHealthChecks().AddCheck<ObjectStoreHealthCheck>(HealthCheckName, tags: [ReadyTag]);
        return services;
    }

    private static string Required(IConfigurationSection section, string name, string what) => section[name] is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{SectionName}:{name} ({what}) is not configured.");
}
