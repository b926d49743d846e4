namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Round-robin history: raw points (at most one a second) kept an hour, minute buckets a week, hour buckets
/// 90 days; buckets hold count, min, avg and max of each figure. Times are Unix seconds of the bucket start.
/// </summary>
public static class MetricsSchema
{
    private const string Figures = """
        n INTEGER NOT NULL,
        mem_total INTEGER NOT NULL,
        cpu_min REAL NOT NULL, cpu_avg REAL NOT NULL, cpu_max REAL NOT NULL,
        mem_min REAL NOT NULL, mem_avg REAL NOT NULL, mem_max REAL NOT NULL,
        rx_min REAL NOT NULL, rx_avg REAL NOT NULL, rx_max REAL NOT NULL,
        tx_min REAL NOT NULL, tx_avg REAL NOT NULL, tx_max REAL NOT NULL,
        dr_min REAL NOT NULL, dr_avg REAL NOT NULL, dr_max REAL NOT NULL,
        dw_min REAL NOT NULL, dw_avg REAL NOT NULL, dw_max REAL NOT NULL,
        PRIMARY KEY(unit, t)
        """;

    public const string Sql = $"""
        CREATE TABLE metrics_1s(
            unit TEXT NOT NULL,
            t INTEGER NOT NULL,
            cpu REAL NOT NULL,
            mem_used INTEGER NOT NULL,
            mem_total INTEGER NOT NULL,
            rx REAL NOT NULL,
            tx REAL NOT NULL,
            dr REAL NOT NULL,
            dw REAL NOT NULL,
            PRIMARY KEY(unit, t)) WITHOUT ROWID;
        CREATE INDEX ix_metrics_1s_t ON metrics_1s(t);
        CREATE TABLE metrics_1m(unit TEXT NOT NULL, t INTEGER NOT NULL, {Figures}) WITHOUT ROWID;
        CREATE INDEX ix_metrics_1m_t ON metrics_1m(t);
        CREATE TABLE metrics_1h(unit TEXT NOT NULL, t INTEGER NOT NULL, {Figures}) WITHOUT ROWID;
        CREATE INDEX ix_metrics_1h_t ON metrics_1h(t);
        """;
}
