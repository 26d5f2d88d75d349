using Npgsql;

namespace Isocenter.Pacs.Nodes;

/// <summary>The registry of remote DICOM nodes: the <c>dicom_node</c> table of the index's database.</summary>
public sealed class NodeRegistry(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string Columns = "name, ae_title, host, port, query, retrieve_method, store_to, store_from, tls, description";

    /// <summary>Every node, by name.</summary>
    public async Task<IReadOnlyList<DicomNode>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM dicom_node ORDER BY name");
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The node named <paramref name="name"/>, or null.</summary>
    public async Task<DicomNode?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM dicom_node WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>Adds or replaces <paramref name="node"/> (already valid); true when it was added.</summary>
    public async Task<bool> PutAsync(DicomNode node, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO dicom_node ({Columns}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (name) DO UPDATE SET ae_title = $2, host = $3, port = $4, query = $5, retrieve_method = $6,
                store_to = $7, store_from = $8, tls = $9, description = $10, updated_at = $11
            RETURNING xmax = 0
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.Name });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.AETitle });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.Host });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = node.Port });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = node.Query });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.RetrieveMethod });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = node.StoreTo });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = node.StoreFrom });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = node.Tls });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = node.Description });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Deletes the node named <paramref name="name"/>; false when there is none. A node that forward rules name is not
    /// deleted (<see cref="PacsException.NodeInUse"/>).
    /// </summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM dicom_node WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw PacsException.NodeInUse(name, e);
        }
    }

    private static async Task<List<DicomNode>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var nodes = new List<DicomNode>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            nodes.Add(new DicomNode
            {
                Name = reader.GetString(0),
                AETitle = reader.GetString(1),
                Host = reader.GetString(2),
                Port = reader.GetInt32(3),
                Query = reader.GetBoolean(4),
                RetrieveMethod = reader.GetString(5),
                StoreTo = reader.GetBoolean(6),
                StoreFrom = reader.GetBoolean(7),
                Tls = reader.GetBoolean(8),
                Description = reader.GetString(9),
            });
        }
        return nodes;
    }
}
