using System.Text.Json;

namespace Isocenter.Pacs.Jobs;

/// <summary>
/// A <c>pacs_job</c> row: a retrieval from a node or a send to one, with its kind's progress as JSON
/// (<see cref="JobStore"/>).
/// </summary>
/// <param name="Id">The job's id.</param>
/// <param name="Kind"><see cref="JobKinds.Retrieval"/> or <see cref="JobKinds.Send"/>.</param>
/// <param name="Node">The node's name.</param>
/// <param name="StudyInstanceUid">The study.</param>
/// <param name="SeriesInstanceUids">The series asked for; empty for the whole study.</param>
/// <param name="Method">A retrieval's C-MOVE or C-GET; null for a send.</param>
/// <param name="State">One of <see cref="Contracts.Pacs.PacsJobStates"/>.</param>
/// <param name="Progress">The kind's progress document.</param>
/// <param name="Error">Why it failed or is partial, readable.</param>
/// <param name="Attempts">How many times it has been started.</param>
/// <param name="CreatedAt">When it was asked for.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record PacsJob(
    Guid Id,
    string Kind,
    string Node,
    string StudyInstanceUid,
    IReadOnlyList<string> SeriesInstanceUids,
    string? Method,
    string State,
    JsonElement Progress,
    string? Error,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The progress document as <typeparamref name="TProgress"/> (camelCase JSON, as <see cref="JobStore"/> writes it).</summary>
    public TProgress ProgressAs<TProgress>() => Progress.Deserialize<TProgress>(JobStore.JsonOptions)!;
}

/// <summary>The kinds of <see cref="PacsJob"/>.</summary>
public static class JobKinds
{
    /// <summary>A retrieval from a node (C-MOVE or C-GET).</summary>
    public const string Retrieval = "retrieval";

    /// <summary>A send to a node (C-STORE).</summary>
    public const string Send = "send";
}
