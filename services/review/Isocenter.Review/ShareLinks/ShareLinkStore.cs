using Npgsql;
using NpgsqlTypes;

namespace Isocenter.Review.ShareLinks;

/// <summary>Share links: the <c>share_link</c> table (tokens are derived, not stored: <see cref="ShareLinkTokens"/>).</summary>
public sealed class ShareLinkStore(NpgsqlDataSource dataSource, ShareLinkTokens tokens, TimeProvider time)
{
    private const string Columns = "id, reading_set_id, label, study_instance_uid, expires_at, revoked_at, created_at";

    /// <summary>The path of the gateway that opens a token.</summary>
    public const string UrlPrefix = "/review/";

    /// <summary>Records a new link of set <paramref name="readingSetId"/>; returns it.</summary>
    public async Task<ShareLink> InsertAsync(Guid readingSetId, string label, string? studyInstanceUid, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        await using var command = dataSource.CreateCommand($"INSERT INTO share_link ({Columns}) VALUES ($1, $2, $3, $4, $5, NULL, $6)");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = label });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)studyInstanceUid ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expiresAt });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return Describe(id, readingSetId, label, studyInstanceUid, expiresAt, null, now);
    }

    /// <summary>The link <paramref name="id"/>, or null.</summary>
    public async Task<ShareLink?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM share_link WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    /// <summary>The links of set <paramref name="readingSetId"/>, oldest first.</summary>
    public async Task<List<ShareLink>> ListAsync(Guid readingSetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM share_link WHERE reading_set_id = $1 ORDER BY created_at, id");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = readingSetId });
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the link now (a link already revoked keeps its time).</summary>
    public async Task RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE share_link SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private ShareLink Describe(Guid id, Guid readingSetId, string label, string? study, DateTimeOffset expiresAt, DateTimeOffset? revokedAt, DateTimeOffset createdAt)
    {
        var token = tokens.Create(id, expiresAt);
        return new ShareLink(id, readingSetId, label, study, token, UrlPrefix + token, expiresAt, revokedAt, createdAt);
    }

    private async Task<List<ShareLink>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var links = new List<ShareLink>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            links.Add(Describe(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return links;
    }
}
