using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs;

/// <summary>Settings of the PACS service (section <c>Pacs</c>).</summary>
public sealed class PacsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Pacs";

    /// <summary>The calling AE title when <c>Pacs:AETitle</c> and <c>Dicom:AETitle</c> are both unset.</summary>
    public const string DefaultAETitle = "ISOCENTER";

    /// <summary>Our calling AE title towards the nodes (default: <c>Dicom:AETitle</c>, else ISOCENTER).</summary>
    public string? AETitle { get; set; }

    /// <summary>The AE title the nodes C-MOVE to: ingest's, which they must know by host and port.</summary>
    public string MoveDestination { get; set; } = DefaultAETitle;

    /// <summary>Nodes written into the registry at start (<c>Pacs__Nodes__NAME__AETitle</c>, <c>…__Host</c>, <c>…__Port</c>, …): name → node.</summary>
    public Dictionary<string, DicomNode> Nodes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long to wait for a node to accept a connection and an association.</summary>
    public TimeSpan AssociationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for each DIMSE response (a C-MOVE or C-GET answers once per sub-operation).</summary>
    public TimeSpan DimseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How many retrievals run at once (each on associations of its own); the others wait in the queue.</summary>
    public int MaxConcurrentRetrievals { get; set; } = 4;

    /// <summary>How many times a retrieval is tried when the network fails (then it fails with the reason).</summary>
    public int RetrievalAttempts { get; set; } = 3;

    /// <summary>The wait before the second try; doubled before each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>C-GET: the most bytes of a dataset before its pixel data (as ingest's <c>Dicom:MaxHeaderLength</c>).</summary>
    public int MaxHeaderLength { get; set; } = 8 * 1024 * 1024;

    /// <summary>C-GET: how long one instance may take to arrive and be stored.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>C-GET: how long the broker has to confirm the InstancesReceived announcing an instance.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
