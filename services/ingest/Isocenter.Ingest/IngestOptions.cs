namespace Isocenter.Ingest;

/// <summary>The <c>Dicom</c> configuration section: the SCP's address, AE title, peers and limits.</summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dicom";

    /// <summary>The AE title the SCP answers to (the called AE title).</summary>
    public string AETitle { get; set; } = "ISOCENTER";

    /// <summary>The address listened on (loopback by default; <c>0.0.0.0</c> in a container).</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 = any free port (the bound one is logged and in <see cref="Scp.DicomScpHost.LocalEndPoint"/>).</summary>
    public int Port { get; set; } = 11112;

    /// <summary>The callers allowed to associate: AE title and host; those with a port are C-MOVE destinations too.</summary>
    public List<DicomPeer> Peers { get; set; } = [];

    /// <summary>Any calling AE title from a loopback address is accepted (the development configuration; production lists <see cref="Peers"/>).</summary>
    public bool AllowAnyPeerFromLoopback { get; set; }

    /// <summary>C-MOVE destinations besides <see cref="Peers"/>: AE title → <c>host:port</c> (<c>Dicom__MoveDestinations__AE</c>).</summary>
    public Dictionary<string, string> MoveDestinations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Associations served at once; beyond it a caller gets A-ASSOCIATE-RJ (transient).</summary>
    public int MaxAssociations { get; set; } = 64;

    /// <summary>How long a new connection has to send its A-ASSOCIATE-RQ.</summary>
    public TimeSpan ArtimTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an association may stay silent before it is aborted.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the object store may take to finish a put once the whole dataset has arrived.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the broker may take to confirm the <c>InstancesReceived</c> announcing an instance.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>On shutdown, how long open associations may take to end by themselves before they are aborted.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most bytes read ahead of Pixel Data to find the UIDs and build the header; a dataset needing more is refused.</summary>
    public int MaxHeaderLength { get; set; } = 8 * 1024 * 1024;
}

/// <summary>A DICOM peer: its AE title, the host it calls from, and the port it listens on (0 = none: not a C-MOVE destination).</summary>
public sealed class DicomPeer
{
    /// <summary>The peer's AE title.</summary>
    public string AETitle { get; set; } = "";

    /// <summary>Its host name or address.</summary>
    public string Host { get; set; } = "";

    /// <summary>The port its own SCP listens on, for C-MOVE; 0 = none.</summary>
    public int Port { get; set; }
}
