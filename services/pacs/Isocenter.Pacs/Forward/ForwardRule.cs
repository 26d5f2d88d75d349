using Isocenter.Dicom;
using Isocenter.Pacs.Nodes;

namespace Isocenter.Pacs.Forward;

/// <summary>
/// An auto-forward rule (<c>/api/forward-rules</c>): each received instance that matches every given criterion (null = any)
/// goes to <see cref="Node"/> while the rule is enabled. JSON in and out of the API, a <c>forward_rule</c> row.
/// </summary>
public sealed record ForwardRule
{
    /// <summary>The rule's key: 1–64 of <c>A-Z a-z 0-9 . _ -</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The node instances go to; it must be in the registry with <c>storeTo</c>.</summary>
    public string Node { get; init; } = "";

    /// <summary>Only instances sent to us by this calling AE title, or null for any.</summary>
    public string? CallingAETitle { get; init; }

    /// <summary>Only instances of this Modality (0008,0060), or null for any.</summary>
    public string? Modality { get; init; }

    /// <summary>Only instances of this SOP class, or null for any.</summary>
    public string? SopClassUid { get; init; }

    /// <summary>Whether the rule forwards.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>True when the rule is enabled and each of its criteria equals the instance's (null criteria match anything).</summary>
    public bool Matches(string? callingAETitle, string? modality, string sopClassUid) =>
        Enabled && (CallingAETitle is null || CallingAETitle == callingAETitle) && (Modality is null || Modality == modality)
        && (SopClassUid is null || SopClassUid == sopClassUid);

    /// <summary>What is wrong with the rule's own fields, by camelCase field (the node's existence is checked apart); empty when valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!DicomNode.IsValidName(Name))
        {
            errors["name"] = ["The name must be 1 to 64 letters, digits, '.', '_' or '-'."];
        }
        if (!DicomNode.IsValidName(Node))
        {
            errors["node"] = ["The node must be the name of a node of the registry."];
        }
        if (CallingAETitle is not null && (CallingAETitle.Trim().Length is 0 or > 16 || CallingAETitle.Any(c => c is < ' ' or > '~' or '\\')))
        {
            errors["callingAETitle"] = ["The calling AE title must be null (any) or 1 to 16 printable ASCII characters, not only spaces, without a backslash."];
        }
        if (Modality is not null && (Modality.Length is 0 or > 16 || Modality.Any(c => c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or ' ' or '_'))))
        {
            errors["modality"] = ["The modality must be null (any) or a code string such as CT or MR (upper-case letters, digits, space, underscore; at most 16)."];
        }
        if (SopClassUid is not null && !DicomUid.IsValid(SopClassUid))
        {
            errors["sopClassUid"] = ["The SOP class UID must be null (any) or a UID (digits and dots, at most 64 characters)."];
        }
        return errors;
    }
}
