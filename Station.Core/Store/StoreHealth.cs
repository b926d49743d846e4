using Dapper;

namespace Ccdsvm.Station.Core.Store;

/// <summary>Backs /healthz: the store is healthy when a write commits.</summary>
public sealed class StoreHealth(StationDb db)
{
    public (bool Healthy, string Detail) Check()
    {
        try
        {
            using var c = db.Open();
            c.Execute("INSERT INTO settings(key, value) VALUES ('health_probe', @now) ON CONFLICT(key) DO UPDATE SET value=@now",
                new { now = DateTimeOffset.UtcNow.ToString("O") });
            return (true, "store writable");
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return (false, "store not writable: " + ex.Message);
        }
    }
}
