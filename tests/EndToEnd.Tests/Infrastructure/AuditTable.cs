using Microsoft.Data.Sqlite;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

public sealed record AuditRow(long Id, string At, string Actor, string Action, string Target, string Outcome, string? Detail, string? Address);

/// <summary>Reads the station's append-only audit table straight from its store (read-only), until GET /api/v1/audit exists.</summary>
public static class AuditTable
{
    public static IReadOnlyList<AuditRow> Read(string databasePath, string action)
    {
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, at, actor, action, target, outcome, detail, address FROM audit WHERE action=$action ORDER BY id";
        cmd.Parameters.AddWithValue("$action", action);
        using var r = cmd.ExecuteReader();
        var rows = new List<AuditRow>();
        while (r.Read())
            rows.Add(new AuditRow(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)));
        return rows;
    }

    /// <summary>Polls until a row matching <paramref name="match"/> is there (audit lines land right after the event they record).</summary>
    public static async Task<AuditRow> WaitForAsync(string databasePath, string action, Func<AuditRow, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var hit = Read(databasePath, action).FirstOrDefault(match);
            if (hit is not null) return hit;
            try { await Task.Delay(200, cts.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no '{action}' audit line matched within {timeout.TotalSeconds} s; lines: {string.Join(" | ", Read(databasePath, action))}");
            }
        }
    }
}
