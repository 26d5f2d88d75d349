using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Isocenter.Review.ReadingSets;

/// <summary>What a reviewer fills in for each study of a reading set (besides the free-text comment every finding has).</summary>
/// <param name="Fields">The fields, in display order.</param>
public sealed partial record Form(IReadOnlyList<FormField> Fields)
{
    /// <summary>The form of a set created without one: a required free-text diagnosis.</summary>
    public static Form Default { get; } = new([new FormField("diagnosis", "Diagnosis", FormFieldTypes.Text, null, true, null, null)]);

    /// <summary>The most fields of a form.</summary>
    public const int MaxFields = 50;

    /// <summary>The longest text value (and comment).</summary>
    public const int MaxTextLength = 10_000;

    /// <summary>What is wrong with the form, by field path (<c>form.fields[0].id</c>); empty when it is valid.</summary>
    public Dictionary<string, string[]> Validate(string path)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Fields is not { Count: > 0 and <= MaxFields })
        {
            errors[$"{path}.fields"] = [$"A form has 1 to {MaxFields} fields."];
            return errors;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Fields.Count; i++)
        {
            var (field, at) = (Fields[i], $"{path}.fields[{i}]");
            if (field.Id is null || !FieldId().IsMatch(field.Id))
            {
                errors[$"{at}.id"] = ["An id is 1 to 40 of a-z, 0-9, _ and -."];
            }
            else if (!ids.Add(field.Id) || field.Id == "comment")
            {
                errors[$"{at}.id"] = [$"'{field.Id}' is used twice (or is 'comment', which every finding has)."];
            }
            if (string.IsNullOrWhiteSpace(field.Label) || field.Label.Length > 200)
            {
                errors[$"{at}.label"] = ["A label is 1 to 200 characters."];
            }
            switch (field.Type)
            {
                case FormFieldTypes.Choice when field.Options is not { Count: > 0 } || field.Options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > 200):
                    errors[$"{at}.options"] = ["A choice needs options, each 1 to 200 characters."];
                    break;
                case FormFieldTypes.Choice when field.Options.Distinct(StringComparer.Ordinal).Count() != field.Options.Count:
                    errors[$"{at}.options"] = ["The options must differ."];
                    break;
                case FormFieldTypes.Number when field.Min > field.Max:
                    errors[$"{at}.max"] = ["max must not be less than min."];
                    break;
                case FormFieldTypes.Choice or FormFieldTypes.Number or FormFieldTypes.Text:
                    break;
                default:
                    errors[$"{at}.type"] = ["The type is choice, text or number."];
                    break;
            }
        }
        return errors;
    }

    /// <summary>
    /// What is wrong with a finding's <paramref name="values"/> and <paramref name="comment"/> (by <c>values.{id}</c>):
    /// values of other fields, of the wrong type, outside the options or min/max always; missing required fields when
    /// <paramref name="complete"/>.
    /// </summary>
    public Dictionary<string, string[]> ValidateFinding(IReadOnlyDictionary<string, JsonElement> values, string comment, bool complete)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var id in values.Keys.Where(id => Fields.All(f => f.Id != id)))
        {
            errors[$"values.{id}"] = [$"The form has no field '{id}'."];
        }
        foreach (var field in Fields)
        {
            var present = values.TryGetValue(field.Id, out var value) && !IsEmpty(value);
            if (!present)
            {
                if (complete && field.Required)
                {
                    errors[$"values.{field.Id}"] = [$"{field.Label} is required to mark the case done."];
                }
                continue;
            }
            if (field.Problem(value) is { } problem)
            {
                errors[$"values.{field.Id}"] = [problem];
            }
        }
        if (comment.Length > MaxTextLength)
        {
            errors["comment"] = [$"A comment has at most {MaxTextLength} characters."];
        }
        return errors;
    }

    /// <summary>True for a value that says nothing: null, or a blank string.</summary>
    public static bool IsEmpty(JsonElement value) =>
        value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined || value.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetString());

    [GeneratedRegex("^[a-z0-9_-]{1,40}$")]
    private static partial Regex FieldId();
}

/// <summary>One field of a <see cref="Form"/>.</summary>
/// <param name="Id">Its key in a finding's values: 1 to 40 of a-z, 0-9, _ and -.</param>
/// <param name="Label">What the reviewer reads.</param>
/// <param name="Type">One of <see cref="FormFieldTypes"/>.</param>
/// <param name="Options">A choice's options.</param>
/// <param name="Required">Needed to mark a case done.</param>
/// <param name="Min">A number's least value.</param>
/// <param name="Max">A number's greatest value.</param>
public sealed record FormField(string Id, string Label, string Type, IReadOnlyList<string>? Options, bool Required, double? Min, double? Max)
{
    /// <summary>What is wrong with a non-empty <paramref name="value"/> of this field, or null.</summary>
    public string? Problem(JsonElement value) => Type switch
    {
        FormFieldTypes.Choice when value.ValueKind != JsonValueKind.String || !Options!.Contains(value.GetString()!, StringComparer.Ordinal) =>
            $"{Label} is one of: {string.Join(", ", Options!)}.",
        FormFieldTypes.Text when value.ValueKind != JsonValueKind.String => $"{Label} is text.",
        FormFieldTypes.Text when value.GetString()!.Length > Form.MaxTextLength => $"{Label} has at most {Form.MaxTextLength} characters.",
        FormFieldTypes.Number when value.ValueKind != JsonValueKind.Number => $"{Label} is a number.",
        FormFieldTypes.Number when value.GetDouble() < Min || value.GetDouble() > Max =>
            $"{Label} is between {Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} and {Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}.",
        _ => null,
    };

    /// <summary>A value as text (exports): a string as it is, a number in invariant culture.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => value.GetRawText(),
    };
}

/// <summary>The types of a <see cref="FormField"/>.</summary>
public static class FormFieldTypes
{
    /// <summary>One of the field's options.</summary>
    public const string Choice = "choice";

    /// <summary>Free text.</summary>
    public const string Text = "text";

    /// <summary>A number, within min and max when given.</summary>
    public const string Number = "number";
}
