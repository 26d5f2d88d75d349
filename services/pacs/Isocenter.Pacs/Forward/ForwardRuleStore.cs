using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Pacs.Forward;

/// <summary>The auto-forward rules: the <c>forward_rule</c> table of the index's database.</summary>
public sealed class ForwardRuleStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "name, node, calling_ae_title, modality, sop_class_uid, enabled";

    /// <summary>Every rule, by name.</summary>
    public async Task<IReadOnlyList<ForwardRule>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM forward_rule ORDER BY name");
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rule named <paramref name="name"/>, or null.</summary>
    public async Task<ForwardRule?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM forward_rule WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Adds or replaces <paramref name="rule"/> (already valid, its node in the registry); true when it was added.</summary>
    public async Task<bool> PutAsync(ForwardRule rule, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO forward_rule ({Columns}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (name) DO UPDATE SET node = $2, calling_ae_title = $3, modality = $4, sop_class_uid = $5, enabled = $6, updated_at = $7
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rule.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rule.Node });
        command.Parameters.Add(Text(rule.CallingAETitle));
        command.Parameters.Add(Text(rule.Modality));
        command.Parameters.Add(Text(rule.SopClassUid));
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = rule.Enabled });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Deletes the rule named <paramref name="name"/>; false when there is none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM forward_rule WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static async Task<List<ForwardRule>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rules = new List<ForwardRule>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rules.Add(new ForwardRule
            {
                Name = reader.GetString(0),
                Node = reader.GetString(1),
                CallingAETitle = reader.IsDBNull(2) ? null : reader.GetString(2),
                Modality = reader.IsDBNull(3) ? null : reader.GetString(3),
                SopClassUid = reader.IsDBNull(4) ? null : reader.GetString(4),
                Enabled = reader.GetBoolean(5),
            });
        }
        return rules;
    }
}
