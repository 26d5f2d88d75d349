namespace Isocenter.Contracts.Pacs;

/// <summary>The states of a retrieval or a send (and of a retrieval's series).</summary>
public static class PacsJobStates
{
    /// <summary>Waiting for the PACS service to start it.</summary>
    public const string Queued = "queued";

    /// <summary>Being run.</summary>
    public const string Running = "running";

    /// <summary>Every instance done.</summary>
    public const string Completed = "completed";

    /// <summary>Done, but some instances failed.</summary>
    public const string Partial = "partial";

    /// <summary>Nothing more will be done; <c>error</c> says why.</summary>
    public const string Failed = "failed";

    /// <summary>A send that asked for storage commitment, and the node has committed to store every instance (PS3.4 J.3).</summary>
    public const string Committed = "committed";

    /// <summary>True for <see cref="Completed"/>, <see cref="Partial"/>, <see cref="Failed"/> and <see cref="Committed"/>.</summary>
    public static bool IsFinished(string state) => state is Completed or Partial or Failed or Committed;
}
