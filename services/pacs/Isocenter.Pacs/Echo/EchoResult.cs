namespace Isocenter.Pacs.Echo;

/// <summary>The answer of <c>POST /api/dicom-nodes/{name}/echo</c>: whether C-ECHO worked, why not, and what the peer supports.</summary>
/// <param name="Ok">The peer answered C-ECHO with success.</param>
/// <param name="Milliseconds">How long the test took.</param>
/// <param name="Problem">The problem code (<see cref="Nodes.NodeProblem"/>), or null.</param>
/// <param name="Message">What happened and what to do, readable.</param>
/// <param name="Services">Which services the peer accepted (all false when there was no association).</param>
public sealed record EchoResult(bool Ok, long Milliseconds, string? Problem, string Message, EchoServices Services);

/// <summary>The services a peer accepted on the echo's association.</summary>
/// <param name="Echo">Verification (C-ECHO).</param>
/// <param name="Find">Study Root C-FIND.</param>
/// <param name="Move">Study Root C-MOVE.</param>
/// <param name="Get">Study Root C-GET.</param>
public sealed record EchoServices(bool Echo, bool Find, bool Move, bool Get)
{
    /// <summary>No association: nothing known.</summary>
    public static EchoServices None { get; } = new(false, false, false, false);
}
