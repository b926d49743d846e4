namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v15: network changes staged at the station to be applied later (issue 23), kept across restarts. One row per
/// change: the unit, who staged it and when, and net.configure's parameters in their canonical JSON.
/// </summary>
internal static class NetStagingSchema
{
    public const string Sql = """
        CREATE TABLE net_staged(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            unit TEXT NOT NULL,
            staged_by TEXT NOT NULL,
            staged_at TEXT NOT NULL,
            parameters TEXT NOT NULL);
        CREATE INDEX ix_net_staged_unit ON net_staged(unit, id);
        """;
}
