using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>A real SQLite store in a temp directory, and engines built on it the way the station builds them.</summary>
public sealed class TempStore : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-store-").FullName;
    private readonly List<IDisposable> _owned = [];

    public TempStore()
    {
        Db = new StationDb(Path.Combine(_dir, "station.db"));
        using var c = Db.Open();
        Migrations.Apply(c);
    }

    public StationDb Db { get; }
    public string DirectoryPath => _dir;
    public RecordingDispatcher Dispatcher { get; } = new();

    public (TaskEngine Engine, UnitRegistry Units) Engine(int maxTasks = 16, int perUser = 16, int graceSeconds = 60, params string[] onlineUnits)
    {
        var options = Options.Create(new StationOptions { MaxTasks = maxTasks, MaxTasksPerUser = perUser, RecoveryGraceSeconds = graceSeconds, AgentKey = "test-key" });
        var units = new UnitRegistry(Db);
        foreach (var u in onlineUnits.Length == 0 ? ["a"] : onlineUnits)
            units.Online("conn-" + u, Inventory(u), DateTimeOffset.UtcNow);
        var engine = new TaskEngine(Db, new LockManager(), new TaskKindCatalog(), units, Dispatcher, new TaskNotifier(), options,
            new StationSecrets(options, Db), NullLogger<TaskEngine>.Instance);
        _owned.Add(engine);
        return (engine, units);
    }

    public static UnitInventory Inventory(string unit) =>
        new(unit, unit, "host-" + unit, "Debian", "6.1", 2, 1L << 30, [], [], ["/srv/" + unit], "1", null);

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Stands for the network between station and agents: records the orders the engine sends.</summary>
public sealed class RecordingDispatcher : IAgentDispatcher
{
    public System.Collections.Concurrent.ConcurrentQueue<TaskOrder> Orders { get; } = new();
    public System.Collections.Concurrent.ConcurrentQueue<long> Cancels { get; } = new();

    public Task<bool> RunAsync(string unitId, TaskOrder order)
    {
        Orders.Enqueue(order);
        return Task.FromResult(true);
    }

    public Task CancelAsync(string unitId, long taskId)
    {
        Cancels.Enqueue(taskId);
        return Task.CompletedTask;
    }
}
