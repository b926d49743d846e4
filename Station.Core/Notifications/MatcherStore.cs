using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Notifications;

internal sealed class MatcherRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long Enabled { get; set; }
    public string Definition { get; set; } = "{}";
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

internal sealed class DigestRow
{
    public long Id { get; set; }
    public long MatcherId { get; set; }
    public long TargetId { get; set; }
    public string Event { get; set; } = "";
    public string At { get; set; } = "";
}

/// <summary>SQL for matchers and the events waiting for a digest. Writes take the store's write gate.</summary>
internal sealed class MatcherStore(StationDb db)
{
    private const string Columns = "id AS Id, name AS Name, enabled AS Enabled, definition AS Definition, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public long Create(MatcherRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        return c.ExecuteScalar<long>("""
            INSERT INTO notification_matchers(name, enabled, definition, created_at, updated_at) VALUES (@Name, @Enabled, @Definition, @CreatedAt, @UpdatedAt) RETURNING id
            """, row);
    }

    public void Update(MatcherRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("UPDATE notification_matchers SET name=@Name, enabled=@Enabled, definition=@Definition, updated_at=@UpdatedAt WHERE id=@Id", row);
    }

    public void Delete(long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM notification_digest WHERE matcher_id=@id", new { id }, tx);
        c.Execute("DELETE FROM notification_matchers WHERE id=@id", new { id }, tx);
        tx.Commit();
    }

    public MatcherRow? Get(long id)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<MatcherRow>($"SELECT {Columns} FROM notification_matchers WHERE id=@id", new { id });
    }

    public bool NameTaken(string name, long exceptId)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM notification_matchers WHERE name=@name AND id<>@exceptId", new { name, exceptId }) > 0;
    }

    public IReadOnlyList<MatcherRow> All()
    {
        using var c = db.Open();
        return c.Query<MatcherRow>($"SELECT {Columns} FROM notification_matchers ORDER BY name").ToList();
    }

    public void AddDigest(long matcherId, long targetId, string eventJson, string at)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("INSERT INTO notification_digest(matcher_id, target_id, event, at) VALUES (@matcherId, @targetId, @eventJson, @at)", new { matcherId, targetId, eventJson, at });
    }

    public IReadOnlyList<DigestRow> Digests()
    {
        using var c = db.Open();
        return c.Query<DigestRow>("SELECT id AS Id, matcher_id AS MatcherId, target_id AS TargetId, event AS Event, at AS At FROM notification_digest ORDER BY id").ToList();
    }

    public void RemoveDigests(IEnumerable<long> ids)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        foreach (var id in ids) c.Execute("DELETE FROM notification_digest WHERE id=@id", new { id }, tx);
        tx.Commit();
    }
}
