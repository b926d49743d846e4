using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>A target as stored: its settings as JSON, its secret encrypted (null when none).</summary>
internal sealed class TargetRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public long Enabled { get; set; }
    public string Config { get; set; } = "{}";
    public string? Secret { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

/// <summary>A delivery attempt as stored.</summary>
internal sealed class DeliveryRow
{
    public long Id { get; set; }
    public string At { get; set; } = "";
    public long TargetId { get; set; }
    public string TargetName { get; set; } = "";
    public string EventType { get; set; } = "";
    public string Title { get; set; } = "";
    public long Attempt { get; set; }
    public string Result { get; set; } = "";
    public long? Status { get; set; }
    public string? Error { get; set; }
}

/// <summary>SQL for targets and the delivery log. Writes take the store's write gate.</summary>
internal sealed class TargetStore(StationDb db)
{
    private const string Columns = "id AS Id, name AS Name, type AS Type, enabled AS Enabled, config AS Config, secret AS Secret, created_at AS CreatedAt, updated_at AS UpdatedAt";
    private const string DeliveryColumns = "id AS Id, at AS At, target_id AS TargetId, target_name AS TargetName, event_type AS EventType, title AS Title, attempt AS Attempt, result AS Result, status AS Status, error AS Error";

    /// <summary>How many delivery attempts the log keeps; older ones go.</summary>
    public const int KeepDeliveries = 10_000;

    public long Create(TargetRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        return c.ExecuteScalar<long>("""
            INSERT INTO notification_targets(name, type, enabled, config, secret, created_at, updated_at)
            VALUES (@Name, @Type, @Enabled, @Config, @Secret, @CreatedAt, @UpdatedAt) RETURNING id
            """, row);
    }

    public void Update(TargetRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        c.Execute("UPDATE notification_targets SET name=@Name, type=@Type, enabled=@Enabled, config=@Config, secret=@Secret, updated_at=@UpdatedAt WHERE id=@Id", row);
    }

    public void Delete(long id)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        using var tx = c.BeginTransaction();
        c.Execute("DELETE FROM notification_digest WHERE target_id=@id", new { id }, tx);
        c.Execute("DELETE FROM notification_targets WHERE id=@id", new { id }, tx);
        tx.Commit();
    }

    public TargetRow? Get(long id)
    {
        using var c = db.Open();
        return c.QuerySingleOrDefault<TargetRow>($"SELECT {Columns} FROM notification_targets WHERE id=@id", new { id });
    }

    public bool NameTaken(string name, long exceptId)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM notification_targets WHERE name=@name AND id<>@exceptId", new { name, exceptId }) > 0;
    }

    public IReadOnlyList<TargetRow> All()
    {
        using var c = db.Open();
        return c.Query<TargetRow>($"SELECT {Columns} FROM notification_targets ORDER BY name").ToList();
    }

    public void Log(DeliveryRow row)
    {
        using var _ = db.Writing();
        using var c = db.Open();
        long id = c.ExecuteScalar<long>("""
            INSERT INTO notification_deliveries(at, target_id, target_name, event_type, title, attempt, result, status, error)
            VALUES (@At, @TargetId, @TargetName, @EventType, @Title, @Attempt, @Result, @Status, @Error) RETURNING id
            """, row);
        if (id % 500 == 0) c.Execute("DELETE FROM notification_deliveries WHERE id <= @cut", new { cut = id - KeepDeliveries });
    }

    public IReadOnlyList<DeliveryRow> Deliveries(long? targetId, int limit)
    {
        using var c = db.Open();
        return c.Query<DeliveryRow>($"SELECT {DeliveryColumns} FROM notification_deliveries {(targetId is null ? "" : "WHERE target_id=@targetId")} ORDER BY id DESC LIMIT @limit",
            new { targetId, limit }).ToList();
    }
}
