using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Bench;

/// <summary>A real TaskEngine on a file store or an in-memory store, with one online unit and agents that accept every order.</summary>
public sealed class EngineHarness : IDisposable
{
    public const string Kind = "bench.three";
    private readonly SqliteConnection _keepAlive;
    private readonly string? _dir;
    private readonly StationKeys _keys;

    public EngineHarness(bool durable, int maxTasks)
    {
        if (durable)
        {
            _dir = Path.Combine(Path.GetTempPath(), "ccdsvm-bench-" + Guid.NewGuid().ToString("N"));
            Db = new StationDb(Path.Combine(_dir, "station.db"));
        }
        else
        {
            Db = StationDb.InMemory("bench-" + Guid.NewGuid().ToString("N"));
        }
        _keepAlive = Db.Open();
        Migrations.Apply(_keepAlive);
        var options = Options.Create(new StationOptions { MaxTasks = maxTasks, MaxTasksPerUser = maxTasks });
        Units = new UnitRegistry(Db);
        Units.Online("c1", new UnitInventory("a", "a", "host", "linux", "6", 2, 1L << 30, [], [], ["/srv"], "1", null), DateTimeOffset.UtcNow);
        // A kind whose lock plan has three resources, as the benchmark target asks.
        var catalog = new TaskKindCatalog(TaskKindCatalog.BuiltIn().Append(new TaskKindDefinition(Kind, "three locks", "Task.bench", 1, false,
            [new ParameterSpec("n", ParameterType.Number, true, "task number")],
            (unit, p) =>
            {
                var n = p.GetProperty("n").GetInt64();
                return [
                    new LockRequest($"/units/{unit}/disks/d{n}", LockMode.Exclusive),
                    new LockRequest($"/units/{unit}/fs/data/{n}", LockMode.Shared, 1),
                    new LockRequest($"/units/{unit}/volumes/v{n}", LockMode.Exclusive),
                ];
            })));
        // Dispatch signs a real ECDSA ticket per task, as the station does.
        _keys = new StationKeys(Db);
        var audit = new Ccdsvm.Station.Core.Audit.AuditLog(Db);
        // The benchmark's user may run every kind on the units (not an administrator: the ACL is evaluated on every admission).
        AccessControl.Grant(_keepAlive, null, "/units", "alice", Roles.Administrator.Name, "bench", DateTimeOffset.UtcNow);
        var access = new AccessControl(Db, audit);
        Engine = new TaskEngine(Db, new LockManager(), catalog, Units, new AcceptingDispatcher(), new TaskNotifier(), options,
            new UnitTickets(_keys, access, audit, options), access, NullLogger<TaskEngine>.Instance);
    }

    public StationDb Db { get; }
    public UnitRegistry Units { get; }
    public TaskEngine Engine { get; }

    public static SubmitTask Request(long n) =>
        new(Kind, "a", System.Text.Json.JsonDocument.Parse($"{{\"n\":{n}}}").RootElement);

    public void Dispose()
    {
        Engine.Dispose();
        _keys.Dispose();
        _keepAlive.Dispose();
        SqliteConnection.ClearAllPools();
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }

    private sealed class AcceptingDispatcher : IAgentDispatcher
    {
        public Task<bool> RunAsync(string unitId, TaskOrder order) => Task.FromResult(true);
        public Task CancelAsync(string unitId, long taskId) => Task.CompletedTask;
        public Task<bool> ConfirmAsync(string unitId, long taskId) => Task.FromResult(true);
    }
}
