using System.Net.Security;
using Isocenter.Dicom.Network.Scu;
using Microsoft.Extensions.Options;

namespace Isocenter.Pacs.Nodes;

/// <summary>DIMSE clients of the registry's nodes, calling with <c>Pacs:AETitle</c> and the service's timeouts.</summary>
public sealed class NodeConnector(IOptions<PacsOptions> options)
{
    /// <summary>Our calling AE title.</summary>
    public string CallingAETitle => options.Value.AETitle!;

    /// <summary>How long a node has to accept a connection and an association.</summary>
    public TimeSpan AssociationTimeout => options.Value.AssociationTimeout;

    /// <summary>A client of <paramref name="node"/> (TLS when the node says so, trusting the system's certificate authorities).</summary>
    public DicomClient Client(DicomNode node) => new(node.Host, node.Port, new DicomClientOptions
    {
        CallingAETitle = CallingAETitle,
        CalledAETitle = node.AETitle,
        AssociationTimeout = options.Value.AssociationTimeout,
        DimseTimeout = options.Value.DimseTimeout,
        Tls = node.Tls ? new SslClientAuthenticationOptions { TargetHost = node.Host } : null,
    });

    /// <summary>The problem behind <paramref name="exception"/> (<see cref="NodeProblem.From"/>), or null for one that is not a network or DICOM failure.</summary>
    public NodeProblem? Diagnose(Exception exception, DicomNode node) => NodeProblem.From(exception, node, CallingAETitle, AssociationTimeout);
}
