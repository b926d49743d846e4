using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Opens connections to the station's SQLite file in WAL mode with full durability. Writers in this process take
/// <see cref="WriteGate"/> around each write transaction (<see cref="Writing"/>), so the station has one writer at a
/// time and waits for it in memory: SQLite's busy handler polls with growing sleeps and lets a newcomer overtake a
/// connection that has waited long, so several connections writing at once starved some of them past busy_timeout
/// (SQLITE_BUSY, "database is locked"). busy_timeout stays for other processes (the release-locks command).
/// </summary>
public sealed class StationDb
{
    // One gate per database file, shared by every StationDb of this process that opens it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> Gates = new(StringComparer.Ordinal);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, GroupCommit> Groups = new(StringComparer.Ordinal);

    public StationDb(IOptions<StationOptions> options) : this(options.Value.DatabasePath, options.Value.MinFreeStoreMegabytes * 1024L * 1024)
    {
    }

    public StationDb(string path, long minFreeBytes = 0)
    {
        Path = System.IO.Path.GetFullPath(path);
        Space = new StoreSpace(System.IO.Path.GetDirectoryName(Path), minFreeBytes);
        WriteGate = Gates.GetOrAdd(Path, _ => new object());
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
        Space = new StoreSpace(null, 0);
        ConnectionString = connectionString;
        IsFile = false;
        WriteGate = Gates.GetOrAdd(label, _ => new object());
    }

    /// <summary>Whether the store is a file (with a write-ahead log beside it) rather than memory.</summary>
    public bool IsFile { get; } = true;

    /// <summary>A store that lives in memory while any connection to it is open: for benchmarks beside the file store.</summary>
    public static StationDb InMemory(string name) =>
        new($"memory:{name}", new SqliteConnectionStringBuilder { DataSource = name, Mode = SqliteOpenMode.Memory, Cache = SqliteCacheMode.Shared }.ToString());

    public string Path { get; }

    /// <summary>Whether the store's file system has room for new tasks.</summary>
    public StoreSpace Space { get; }

    /// <summary>
    /// The station's single-writer lock for this store (a monitor, so re-entrant). Hold it only around the statements
    /// of a write, never around slow work such as password hashing or waiting for another thread.
    /// </summary>
    public object WriteGate { get; }

    /// <summary>Holds <see cref="WriteGate"/> until disposed: <c>using (db.Writing()) { BEGIN … COMMIT }</c>.</summary>
    public WriteScope Writing()
    {
        Monitor.Enter(WriteGate);
        return new WriteScope(WriteGate);
    }

    /// <summary>Releases <see cref="WriteGate"/> when disposed.</summary>
    public readonly struct WriteScope(object gate) : IDisposable
    {
        public void Dispose() => Monitor.Exit(gate);
    }
    public string ConnectionString { get; }

    /// <summary>The group committer of this store (one per file in this process): small writes that arrive together share a commit.</summary>
    public GroupCommit Group => Groups.GetOrAdd(Path, _ => new GroupCommit(this));

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
