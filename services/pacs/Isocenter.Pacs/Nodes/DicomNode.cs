using System.Text.RegularExpressions;

namespace Isocenter.Pacs.Nodes;

/// <summary>
/// A remote DICOM node of the registry (<c>/api/dicom-nodes</c>): where it is, and what we do with it. JSON in and out of
/// the API, a <c>dicom_node</c> row, or a <c>Pacs:Nodes:NAME</c> section.
/// </summary>
public sealed partial record DicomNode
{
    /// <summary>The registry's key: 1–64 of <c>A-Z a-z 0-9 . _ -</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its AE title (the called AE title of our associations).</summary>
    public string AETitle { get; init; } = "";

    /// <summary>Its host name or IP address.</summary>
    public string Host { get; init; } = "";

    /// <summary>Its DIMSE port.</summary>
    public int Port { get; init; }

    /// <summary>We query it (C-FIND) and retrieve from it.</summary>
    public bool Query { get; init; } = true;

    /// <summary>How we retrieve from it: <see cref="RetrieveMethods.Move"/> or <see cref="RetrieveMethods.Get"/>.</summary>
    public string RetrieveMethod { get; init; } = RetrieveMethods.Move;

    /// <summary>We send (and forward) to it.</summary>
    public bool StoreTo { get; init; }

    /// <summary>It stores to us.</summary>
    public bool StoreFrom { get; init; }

    /// <summary>Associations with it use TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>Free text for the people who manage the registry.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// What is wrong with the node, by camelCase field (the <c>errors</c> of a 400 ValidationProblem); empty when it is valid.
    /// </summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidName(Name))
        {
            errors["name"] = ["The name must be 1 to 64 letters, digits, '.', '_' or '-'."];
        }
        if (AETitle is null || AETitle.Trim().Length is 0 or > 16 || AETitle.Any(c => c is < ' ' or > '~' or '\\'))
        {
            errors["aeTitle"] = ["The AE title must be 1 to 16 printable ASCII characters, not only spaces, without a backslash."];
        }
        if (Host is null || Host.Length > 253 || Uri.CheckHostName(Host) == UriHostNameType.Unknown)
        {
            errors["host"] = ["The host must be a host name or an IP address."];
        }
        if (Port is < 1 or > 65535)
        {
            errors["port"] = ["The port must be between 1 and 65535."];
        }
        if (RetrieveMethod is not (RetrieveMethods.Move or RetrieveMethods.Get))
        {
            errors["retrieveMethod"] = [$"The retrieve method must be {RetrieveMethods.Move} or {RetrieveMethods.Get}."];
        }
        if (Description is null || Description.Length > 1024)
        {
            errors["description"] = ["The description must be at most 1024 characters."];
        }
        return errors;
    }

    /// <summary>True when <paramref name="name"/> is a valid node name (also the rule for forward rules' names).</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex NamePattern();
}

/// <summary>The retrieve methods of a node.</summary>
public static class RetrieveMethods
{
    /// <summary>C-MOVE to our ingest AE (<c>Pacs:MoveDestination</c>), which the node must know.</summary>
    public const string Move = "C-MOVE";

    /// <summary>C-GET: the instances come back on our own association.</summary>
    public const string Get = "C-GET";
}
