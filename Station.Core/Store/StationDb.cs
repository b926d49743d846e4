using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Store;

/// <summary>Opens connections to the station's SQLite file in WAL mode with full durability.</summary>
public sealed class StationDb
{
    public StationDb(IOptions<StationOptions> options) : this(options.Value.DatabasePath)
    {
    }

    public StationDb(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    private StationDb(string label, string connectionString)
    {
        Path = label;
        ConnectionString = connectionString;
        IsFile = false;
    }

    /// <summary>Whether the store is a file (with a write-ahead log beside it) rather than memory.</summary>
    public bool IsFile { get; } = true;

    /// <summary>A store that lives in memory while any connection to it is open: for benchmarks beside the file store.</summary>
    public static StationDb InMemory(string name) =>
        new($"memory:{name}", new SqliteConnectionStringBuilder { DataSource = name, Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString());

    public string Path { get; }
    public string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var c = new SqliteConnection(ConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        cmd.ExecuteNonQuery();
        return c;
    }
}
