using System.Collections.Concurrent;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Stands for the network to the agents: records the orders and cancels the engine sends. The engine sends from
/// workers of its own, so what was sent is read once everything queued so far has gone out (<see cref="Settle"/>).
/// </summary>
public sealed class RecordingDispatcher : IAgentDispatcher
{
    private readonly ConcurrentQueue<(string Unit, TaskOrder Order)> _orders = new();
    private readonly ConcurrentQueue<(string Unit, long TaskId)> _cancels = new();

    /// <summary>Whether the engine has sent everything queued so far; set by the harness.</summary>
    internal Func<bool> Idle { get; set; } = () => true;

    public IReadOnlyList<(string Unit, TaskOrder Order)> Orders { get { Settle(); return [.. _orders]; } }
    public IReadOnlyList<(string Unit, long TaskId)> Cancels { get { Settle(); return [.. _cancels]; } }

    /// <summary>What RunAsync answers: false as if the unit had no live connection.</summary>
    public bool Connected { get; set; } = true;

    public IReadOnlyList<long> OrderedTaskIds => Orders.Select(o => o.Order.TaskId).ToList();

    /// <summary>Waits (bounded) until the engine has sent, or failed, every order and cancel it queued so far.</summary>
    public void Settle()
    {
        var deadline = DateTime.UtcNow + EngineHarness.Limit;
        while (!Idle())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the engine's order dispatcher did not finish its queue");
            Thread.Sleep(1);
        }
    }

    /// <summary>Awaited before an order to the unit goes out: a slow or stuck connection to that unit.</summary>
    public Func<string, Task>? BeforeSend { get; set; }

    /// <summary>The orders sent until now, without waiting for those still queued or being sent.</summary>
    public IReadOnlyList<(string Unit, TaskOrder Order)> SentSoFar => [.. _orders];

    public async Task<bool> RunAsync(string unitId, TaskOrder order)
    {
        if (BeforeSend is { } gate) await gate(unitId).ConfigureAwait(false);
        if (!Connected) return false;
        _orders.Enqueue((unitId, order));
        return true;
    }

    public Task CancelAsync(string unitId, long taskId)
    {
        _cancels.Enqueue((unitId, taskId));
        return Task.CompletedTask;
    }

    private readonly ConcurrentQueue<(string Unit, long TaskId)> _confirms = new();

    public IReadOnlyList<(string Unit, long TaskId)> Confirms => [.. _confirms];

    public Task<bool> ConfirmAsync(string unitId, long taskId)
    {
        if (!Connected) return Task.FromResult(false);
        _confirms.Enqueue((unitId, taskId));
        return Task.FromResult(true);
    }
}

/// <summary>A task engine on a real SQLite file, a real unit registry and lock manager; only the network is recorded.</summary>
public sealed class EngineHarness : IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private readonly TempStore _store = new();

    private readonly Func<EngineHarness, IOrderPreparer>? _preparer;

    /// <param name="preparer">Builds the engine's order preparer from the harness (its units and secrets), as the host does.</param>
    public EngineHarness(int maxTasks = 4, int maxTasksPerUser = 0, int graceSeconds = 60, Func<EngineHarness, IOrderPreparer>? preparer = null)
    {
        _preparer = preparer;
        Options = new StationOptions
        {
            DataDirectory = _store.Directory,
            MaxTasks = maxTasks,
            MaxTasksPerUser = maxTasksPerUser,
            RecoveryGraceSeconds = graceSeconds,
            EmbeddedAgent = false,
        };
        Start();
    }

    public StationOptions Options { get; }

    /// <summary>The engine's clock: tests advance it instead of sleeping until a grace, a lease or a wait limit passes. It survives a restart.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public Store.StationDb Db => _store.Db;
    public UnitRegistry Units { get; private set; } = null!;
    public LockManager Locks { get; private set; } = null!;
    public RecordingDispatcher Dispatcher { get; private set; } = null!;
    public TaskNotifier Notifier { get; private set; } = null!;
    public TaskEngine Engine { get; private set; } = null!;
    public AccessControl Access { get; private set; } = null!;
    public Ccdsvm.Station.Core.Users.PendingPasswords Passwords { get; } = new();
    public StationKeys Keys { get; private set; } = null!;
    public AuditLog Audit { get; private set; } = null!;
    public UnitTickets Tickets { get; private set; } = null!;

    /// <summary>The people the engine tests submit as; each holds Operator on /units (run tasks, see and cancel their own).</summary>
    public static readonly string[] Operators = ["alice", "bob", "carol", "dave", "erin"];

    public static Caller Alice { get; } = new("alice", false);
    public static Caller Bob { get; } = new("bob", false);

    /// <summary>Builds everything the way the host does, from the same file; units come back offline.</summary>
    private void Start()
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        Keys ??= new StationKeys(Db);
        Audit = new AuditLog(Db);
        using (var c = Db.Open())
            foreach (var name in Operators)
                AccessControl.Grant(c, null, "/units", name, Roles.Operator.Name, "test", DateTimeOffset.UtcNow);
        Access = new AccessControl(Db, Audit);
        Tickets = new UnitTickets(Keys, Access, Audit, options);
        Units = new UnitRegistry(Db);
        Locks = new LockManager();
        Dispatcher = new RecordingDispatcher();
        Notifier = new TaskNotifier();
        Engine = new TaskEngine(Db, Locks, new TaskKindCatalog(), Units, Dispatcher, Notifier, options,
            Tickets, Access, NullLogger<TaskEngine>.Instance, time: Clock, preparer: _preparer?.Invoke(this),
            stationExecutors: [new Ccdsvm.Station.Core.Users.UserTaskExecutor(Db, Access, Passwords), new GrantTaskExecutor(Db, Access)]);
        var engine = Engine;
        Dispatcher.Idle = () => engine.OrdersIdle;
    }

    /// <summary>The station process stops and starts again on the same store.</summary>
    public void Restart()
    {
        Engine.Dispose();
        Start();
    }

    public void Online(string unit) => Units.Online("conn-" + unit, Inventory(unit), DateTimeOffset.UtcNow);

    public static UnitInventory Inventory(string unit) => new(
        unit, unit, "host-" + unit, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30,
        [new DiskInfo("sdb", "/dev/sdb", "disk", 1L << 30, null, [], null, null, [])],
        [new NetworkInterfaceInfo("eth0", "0242AC110002", ["10.0.0.2"], true)],
        ["/srv/data"], "test", null);

    public static SubmitTask Hold(string resource, string target = "a", double seconds = 600, double? waitSeconds = null, string? key = null) =>
        new(TaskKinds.MaintenanceHold, target, Json(new { resource, seconds, reason = "test" }), waitSeconds, key);

    public static SubmitTask Checksum(string path, string target = "a") =>
        new(TaskKinds.FsChecksum, target, Json(new { path }));

    public static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    public async Task<TaskView> SubmitOk(SubmitTask request, Caller? caller = null)
    {
        var outcome = await Engine.SubmitAsync(request, caller ?? Alice).WaitAsync(Limit);
        Assert.True(outcome.Ok, outcome.Error?.Message);
        return outcome.Value!;
    }

    public async Task<StationError> SubmitRefused(SubmitTask request, Caller? caller = null)
    {
        var outcome = await Engine.SubmitAsync(request, caller ?? Alice).WaitAsync(Limit);
        Assert.False(outcome.Ok, $"expected a refusal, got task {outcome.Value?.Id} ({outcome.Value?.State})");
        return outcome.Error!;
    }

    public TaskView View(long id) => Engine.View(id) ?? throw new InvalidOperationException($"task {id} not found");

    public void Dispose()
    {
        Engine.Dispose();
        Keys.Dispose();
        _store.Dispose();
    }
}
