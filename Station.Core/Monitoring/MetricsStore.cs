using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>Writes raw points in batches, rolls them up into minute and hour buckets, prunes past retention, reads history.</summary>
public sealed class MetricsStore(StationDb db)
{
    private const string Agg = """
        COUNT(*), MAX(mem_total),
        MIN(cpu), AVG(cpu), MAX(cpu), MIN(mem_used), AVG(mem_used), MAX(mem_used),
        MIN(rx), AVG(rx), MAX(rx), MIN(tx), AVG(tx), MAX(tx),
        MIN(dr), AVG(dr), MAX(dr), MIN(dw), AVG(dw), MAX(dw)
        """;

    // Hour buckets from minute buckets: averages weighted by each minute's count.
    private const string AggOfAgg = """
        SUM(n), MAX(mem_total),
        MIN(cpu_min), SUM(cpu_avg * n) / SUM(n), MAX(cpu_max), MIN(mem_min), SUM(mem_avg * n) / SUM(n), MAX(mem_max),
        MIN(rx_min), SUM(rx_avg * n) / SUM(n), MAX(rx_max), MIN(tx_min), SUM(tx_avg * n) / SUM(n), MAX(tx_max),
        MIN(dr_min), SUM(dr_avg * n) / SUM(n), MAX(dr_max), MIN(dw_min), SUM(dw_avg * n) / SUM(n), MAX(dw_max)
        """;

    /// <summary>Stores raw points in one transaction; a second point for the same unit and second replaces the first.</summary>
    public void Append(IReadOnlyCollection<RawPoint> points)
    {
        if (points.Count == 0) return;
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR REPLACE INTO metrics_1s(unit, t, cpu, mem_used, mem_total, rx, tx, dr, dw) VALUES ($u, $t, $cpu, $mu, $mt, $rx, $tx, $dr, $dw)";
        var u = cmd.Parameters.Add("$u", Microsoft.Data.Sqlite.SqliteType.Text);
        var t = cmd.Parameters.Add("$t", Microsoft.Data.Sqlite.SqliteType.Integer);
        var cpu = cmd.Parameters.Add("$cpu", Microsoft.Data.Sqlite.SqliteType.Real);
        var mu = cmd.Parameters.Add("$mu", Microsoft.Data.Sqlite.SqliteType.Integer);
        var mt = cmd.Parameters.Add("$mt", Microsoft.Data.Sqlite.SqliteType.Integer);
        var rx = cmd.Parameters.Add("$rx", Microsoft.Data.Sqlite.SqliteType.Real);
        var txp = cmd.Parameters.Add("$tx", Microsoft.Data.Sqlite.SqliteType.Real);
        var dr = cmd.Parameters.Add("$dr", Microsoft.Data.Sqlite.SqliteType.Real);
        var dw = cmd.Parameters.Add("$dw", Microsoft.Data.Sqlite.SqliteType.Real);
        cmd.Prepare();
        foreach (var p in points)
        {
            u.Value = p.Unit; t.Value = p.T; cpu.Value = p.Cpu; mu.Value = p.MemUsed; mt.Value = p.MemTotal;
            rx.Value = p.Rx; txp.Value = p.Tx; dr.Value = p.DiskRead; dw.Value = p.DiskWrite;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>(Re)computes the minute buckets starting in [from, to) from raw points, then the hour buckets from minutes.</summary>
    public void Rollup(DateTimeOffset from, DateTimeOffset to)
    {
        long f = from.ToUnixTimeSeconds(), t = to.ToUnixTimeSeconds();
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        c.Execute($"INSERT OR REPLACE INTO metrics_1m SELECT unit, (t / 60) * 60 AS b, {Agg} FROM metrics_1s WHERE t >= @f AND t < @t GROUP BY unit, b",
            new { f = f / 60 * 60, t = (t + 59) / 60 * 60 }, tx);
        c.Execute($"INSERT OR REPLACE INTO metrics_1h SELECT unit, (t / 3600) * 3600 AS b, {AggOfAgg} FROM metrics_1m WHERE t >= @f AND t < @t GROUP BY unit, b",
            new { f = f / 3600 * 3600, t = (t + 3599) / 3600 * 3600 }, tx);
        tx.Commit();
    }

    /// <summary>Deletes every point older than its resolution's retention; returns the rows removed per step.</summary>
    public IReadOnlyDictionary<string, int> Prune(DateTimeOffset now)
    {
        using var c = db.Open();
        var removed = new Dictionary<string, int>();
        using var writing = db.Writing();
        foreach (var step in MetricsStep.All)
            removed[step.Name] = c.Execute($"DELETE FROM {step.Table} WHERE t < @cut", new { cut = (now - step.Retention).ToUnixTimeSeconds() });
        return removed;
    }

    public IReadOnlyList<MetricPoint> Read(string unit, DateTimeOffset from, DateTimeOffset to, MetricsStep step)
    {
        using var c = db.Open();
        var args = new { unit, f = from.ToUnixTimeSeconds() / step.Seconds * step.Seconds, t = to.ToUnixTimeSeconds() };
        if (step == MetricsStep.Raw)
            return c.Query<RawRow>("SELECT t AS T, cpu AS Cpu, mem_used AS MemUsed, mem_total AS MemTotal, rx AS Rx, tx AS Tx, dr AS Dr, dw AS Dw FROM metrics_1s WHERE unit = @unit AND t >= @f AND t <= @t ORDER BY t", args)
                .Select(r => new MetricPoint(DateTimeOffset.FromUnixTimeSeconds(r.T), r.Cpu, r.MemUsed, r.MemTotal, r.Rx, r.Tx, r.Dr, r.Dw, 1, null, null))
                .ToList();
        return c.Query<BucketRow>($"""
            SELECT t AS T, n AS N, mem_total AS MemTotal, cpu_min AS CpuMin, cpu_avg AS CpuAvg, cpu_max AS CpuMax,
                   mem_min AS MemMin, mem_avg AS MemAvg, mem_max AS MemMax, rx_min AS RxMin, rx_avg AS RxAvg, rx_max AS RxMax,
                   tx_min AS TxMin, tx_avg AS TxAvg, tx_max AS TxMax, dr_min AS DrMin, dr_avg AS DrAvg, dr_max AS DrMax,
                   dw_min AS DwMin, dw_avg AS DwAvg, dw_max AS DwMax
            FROM {step.Table} WHERE unit = @unit AND t >= @f AND t <= @t ORDER BY t
            """, args)
            .Select(b => new MetricPoint(DateTimeOffset.FromUnixTimeSeconds(b.T), b.CpuAvg, b.MemAvg, b.MemTotal, b.RxAvg, b.TxAvg, b.DrAvg, b.DwAvg, (int)b.N,
                new MetricValues(b.CpuMin, b.MemMin, b.RxMin, b.TxMin, b.DrMin, b.DwMin),
                new MetricValues(b.CpuMax, b.MemMax, b.RxMax, b.TxMax, b.DrMax, b.DwMax)))
            .ToList();
    }

    /// <summary>Rows per step, for tests and the benchmark.</summary>
    public long Count(MetricsStep step, string? unit = null)
    {
        using var c = db.Open();
        return c.ExecuteScalar<long>($"SELECT COUNT(*) FROM {step.Table} WHERE @unit IS NULL OR unit = @unit", new { unit });
    }

    private sealed record RawRow(long T, double Cpu, long MemUsed, long MemTotal, double Rx, double Tx, double Dr, double Dw);

    private sealed record BucketRow(long T, long N, long MemTotal, double CpuMin, double CpuAvg, double CpuMax, double MemMin, double MemAvg, double MemMax,
        double RxMin, double RxAvg, double RxMax, double TxMin, double TxAvg, double TxMax, double DrMin, double DrAvg, double DrMax,
        double DwMin, double DwAvg, double DwMax);
}
