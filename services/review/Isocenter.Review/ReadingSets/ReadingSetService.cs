using System.Security.Cryptography;
using Isocenter.Contracts.Storage;
using Isocenter.Dicom;
using Isocenter.Review.Access;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Isocenter.Review.ReadingSets;

/// <summary>The body of <c>POST /api/reading-sets</c>: studies by UID or by a query of the index, and how to present them.</summary>
/// <param name="Name">The set's name.</param>
/// <param name="StudyInstanceUids">The original studies, in the set's order; or</param>
/// <param name="Query">matching keys of <see cref="StudyIndex.QueryKeys"/> (QIDO-like values).</param>
/// <param name="Profile">The de-identification options (default: the Basic Profile alone).</param>
/// <param name="Blinded">Reviewers see no dates or descriptions (default).</param>
/// <param name="Order"><c>fixed</c> (default) or <c>random</c>.</param>
/// <param name="Form">The findings' fields (default: <see cref="Form.Default"/>).</param>
public sealed record CreateReadingSet(
    string? Name, IReadOnlyList<string>? StudyInstanceUids, Dictionary<string, string>? Query, DeidentificationProfile? Profile,
    bool Blinded = true, string? Order = null, Form? Form = null);

/// <summary>Creates reading sets: the studies resolved in the index, the set and its key recorded, one <see cref="DeidentifyStudy"/> per study.</summary>
public sealed partial class ReadingSetService(ReadingSetStore store, StudyIndex index, IPublishEndpoint bus, IOptions<ReviewOptions> options,
    TimeProvider time, ILogger<ReadingSetService> logger)
{
    /// <summary>The set, created for <paramref name="caller"/>, or the validation errors of <paramref name="request"/>.</summary>
    public async Task<(ReadingSet? Set, Dictionary<string, string[]> Errors)> CreateAsync(Caller caller, CreateReadingSet request, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200)
        {
            errors["name"] = ["A name is 1 to 200 characters."];
        }
        var order = request.Order ?? ReadingOrders.Fixed;
        if (order is not (ReadingOrders.Fixed or ReadingOrders.Random))
        {
            errors["order"] = ["The order is fixed or random."];
        }
        var form = request.Form ?? Form.Default;
        foreach (var (key, value) in form.Validate("form"))
        {
            errors[key] = value;
        }
        var studies = await ResolveStudiesAsync(request, errors, cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var now = time.GetUtcNow();
        var set = ReadingSet.Of(Guid.CreateVersion7(now), name, caller.Subject, request.Blinded, order, request.Profile ?? new DeidentificationProfile(), form, now,
            [.. studies.Select((s, i) => new ReadingSetStudy(i + 1, ReadingSetStore.Label(i + 1), s.StudyInstanceUid, null, StudyStates.Queued, s.Instances, 0, [], null))]);
        // The key is in the database before any DeidentifyStudy names the set: the storage service reads it from there.
        await store.InsertAsync(set, RandomNumberGenerator.GetBytes(32), cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(set.Studies.Select(s => bus.Publish(new DeidentifyStudy(set.Id, s.OriginalStudyInstanceUid, set.Profile), cancellationToken))).ConfigureAwait(false);
        LogCreated(logger, set.Id, caller.Subject, set.Studies.Count);
        return (set, errors);
    }

    /// <summary>The indexed studies the request names or matches; problems go to <paramref name="errors"/>.</summary>
    private async Task<List<StudyMatch>> ResolveStudiesAsync(CreateReadingSet request, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxStudies;
        if (request.StudyInstanceUids is { Count: > 0 } uids == request.Query is { Count: > 0 })
        {
            errors["studyInstanceUids"] = ["Give either studyInstanceUids or a query, not both and not neither."];
            return [];
        }
        if (request.StudyInstanceUids is { } list)
        {
            if (list.Count > max)
            {
                errors["studyInstanceUids"] = [$"A reading set has at most {max} studies."];
                return [];
            }
            if (list.FirstOrDefault(u => u is null || !DicomUid.IsValid(u), "") is not "" and var invalid)
            {
                errors["studyInstanceUids"] = [$"'{invalid}' is not a UID."];
                return [];
            }
            if (list.Distinct(StringComparer.Ordinal).Count() != list.Count)
            {
                errors["studyInstanceUids"] = ["A study is named twice."];
                return [];
            }
            var found = (await index.GetAsync(list, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.StudyInstanceUid, StringComparer.Ordinal);
            if (list.Where(u => !found.ContainsKey(u)).ToList() is { Count: > 0 } missing)
            {
                errors["studyInstanceUids"] = [$"Not in the archive: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}."];
                return [];
            }
            return [.. list.Select(u => found[u])];
        }
        if (request.Query!.Keys.Where(k => !StudyIndex.QueryKeys.ContainsKey(k)).ToList() is { Count: > 0 } unknown)
        {
            errors["query"] = [$"Unknown keys {string.Join(", ", unknown)}: a query uses {string.Join(", ", StudyIndex.QueryKeys.Keys)}."];
            return [];
        }
        List<StudyMatch> matches;
        try
        {
            matches = await index.FindAsync(request.Query, max + 1, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DicomDataException or FormatException or ArgumentException)
        {
            errors["query"] = [$"The query is not valid: {e.Message}"];
            return [];
        }
        if (matches.Count == 0 || matches.Count > max)
        {
            errors["query"] = [matches.Count == 0 ? "No study of the archive matches the query." : $"More than {max} studies match the query: narrow it."];
        }
        return matches;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading set {ReadingSetId} created by {Owner} with {Studies} studies: de-identification asked for")]
    private static partial void LogCreated(ILogger logger, Guid readingSetId, string owner, int studies);
}
