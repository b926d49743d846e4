using Ccdsvm.Station.Core.Store;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>A station store in a real SQLite file under a fresh temp directory, deleted on Dispose.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore(bool migrate = true)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("ccdsvm-station-tests-").FullName;
        Db = new StationDb(System.IO.Path.Combine(Directory, "station.db"));
        if (migrate)
        {
            using var c = Db.Open();
            Migrations.Apply(c);
        }
    }

    public string Directory { get; }
    public StationDb Db { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
