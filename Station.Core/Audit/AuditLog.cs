using Microsoft.Extensions.Logging;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Audit;

/// <summary>One line of the audit log: who did what to which target, when, from where, and how it ended.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Target, string Outcome, string? Detail, string? Address);

/// <summary>Filters for <c>GET /api/v1/audit</c> and the console's audit page.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, string? Outcome = null, string? Text = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, long? BeforeId = null, int Limit = 200);

/// <summary>Audit outcomes.</summary>
public static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Refused = "refused";
    public const string Succeeded = Shared.Contracts.TaskStateNames.Succeeded;
    public const string Failed = Shared.Contracts.TaskStateNames.Failed;

    /// <summary>A task a user (or the station for them) cancelled: stopped on purpose, not failed.</summary>
    public const string Cancelled = Shared.Contracts.TaskStateNames.Cancelled;

    /// <summary>The outcome of a task's end line.</summary>
    public static string OfEnd(Shared.Contracts.TaskState state) => state switch
    {
        Shared.Contracts.TaskState.Succeeded => Succeeded,
        Shared.Contracts.TaskState.Cancelled => Cancelled,
        _ => Failed,
    };
}

/// <summary>
/// The append-only audit log (triggers in the store refuse updates and deletes). Logins, refusals at the
/// station and at units, task starts, cancels and ends, and every change to users and the ACL land here.
/// </summary>
public sealed class AuditLog(StationDb db, TimeProvider? time = null, ILogger<AuditLog>? logger = null) : Notifier<AuditEntry>(logger)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public AuditEntry Write(string actor, string action, string target, string outcome, string? detail = null, string? address = null)
    {
        using var c = db.Open();
        AuditEntry entry;
        using (db.Writing()) entry = Write(c, null, actor, action, target, outcome, detail, address);
        Publish(entry);
        return entry;
    }

    /// <summary>
    /// Writes inside the caller's transaction, so the audit line commits with the change it records.
    /// Not announced: the caller publishes the entry once the transaction committed.
    /// </summary>
    public AuditEntry Write(SqliteConnection c, SqliteTransaction? tx, string actor, string action, string target, string outcome, string? detail = null, string? address = null) =>
        AuditWriter.Write(c, tx, AuditWriter.Line(_time.GetUtcNow(), actor, action, target, outcome, detail, address));

    /// <summary>
    /// Announces lines another writer committed (the task engine's batches); their entries are built only when
    /// someone listens.
    /// </summary>
    public void Announce(IReadOnlyList<WrittenAudit> written)
    {
        if (written.Count == 0 || SubscriberCount == 0) return;
        foreach (var w in written) Publish(w.ToEntry());
    }

    public IReadOnlyList<AuditEntry> Query(AuditQuery q)
    {
        var where = new List<string>();
        var p = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(q.Actor)) { where.Add("actor = @actor"); p.Add("actor", q.Actor); }
        if (!string.IsNullOrWhiteSpace(q.Action)) { where.Add("action LIKE @action"); p.Add("action", q.Action.Replace("*", "%")); }
        if (!string.IsNullOrWhiteSpace(q.Outcome)) { where.Add("outcome = @outcome"); p.Add("outcome", q.Outcome); }
        if (!string.IsNullOrWhiteSpace(q.Text)) { where.Add("(target LIKE @text OR detail LIKE @text OR action LIKE @text OR actor LIKE @text)"); p.Add("text", "%" + q.Text + "%"); }
        if (q.From is { } from) { where.Add("at >= @from"); p.Add("from", StoreTime.Format(from)); }
        if (q.To is { } to) { where.Add("at <= @to"); p.Add("to", StoreTime.Format(to)); }
        if (q.BeforeId is { } before) { where.Add("id < @before"); p.Add("before", before); }
        p.Add("limit", Math.Clamp(q.Limit, 1, 1000));
        string sql = "SELECT id, at, actor, action, target, outcome, detail, address FROM audit"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT @limit";
        using var c = db.Open();
        return c.Query<(long Id, string At, string Actor, string Action, string Target, string Outcome, string? Detail, string? Address)>(sql, p)
            .Select(r => new AuditEntry(r.Id, StoreTime.Parse(r.At), r.Actor, r.Action, r.Target, r.Outcome, r.Detail, r.Address))
            .ToList();
    }
}
