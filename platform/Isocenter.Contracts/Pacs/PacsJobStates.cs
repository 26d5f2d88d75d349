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

    /// <summary>True for <see cref="Completed"/>, <see cref="Partial"/> and <see cref="Failed"/>.</summary>
    public static bool IsFinished(string state) => state is Completed or Partial or Failed;
}
