using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The task list: admission into a fixed number of slots, lock plans, dispatch to agents, progress,
/// staged release, ends, cancellation and recovery. Every transition is committed to SQLite before it
/// is announced. One monitor serialises all changes; sends to agents happen outside it. That monitor is the store's
/// write gate (<see cref="StationDb.WriteGate"/>), so the engine's writer connection and the station's other writers
/// (audit, logins, health) take turns in memory instead of polling SQLite's lock.
/// </summary>
public sealed partial class TaskEngine : IDisposable
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskWriter _writer;
    private readonly LockManager _locks;
    private readonly TaskKindCatalog _catalog;
    private readonly UnitRegistry _units;
    private readonly IAgentDispatcher _dispatcher;
    private readonly OrderDispatcher _orders;
    private readonly TaskNotifier _notifier;
    private readonly StationOptions _options;
    private readonly UnitTickets _tickets;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskEngine> _logger;
    private readonly IOrderPreparer? _preparer;
    private readonly AccessControl _access;
    private readonly Dictionary<string, IStationExecutor> _stationExecutors;
    /// <summary>Active tasks, slots, per-owner counts and the durable watermark, shared by the engine's parts.</summary>
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly int _maxTasks;

    public TaskEngine(StationDb store, LockManager locks, TaskKindCatalog catalog, UnitRegistry units, IAgentDispatcher dispatcher,
        TaskNotifier notifier, IOptions<StationOptions> options, UnitTickets tickets, AccessControl access, ILogger<TaskEngine> logger, TimeProvider? time = null,
        IOrderPreparer? preparer = null, IEnumerable<IStationExecutor>? stationExecutors = null)
    {
        _gate = store.WriteGate;
        _access = access;
        _stationExecutors = (stationExecutors ?? []).ToDictionary(e => e.Kind, StringComparer.Ordinal);
        _preparer = preparer;
        _locks = locks;
        _catalog = catalog;
        _units = units;
        _dispatcher = dispatcher;
        _orders = new OrderDispatcher(this, dispatcher);
        _notifier = notifier;
        _options = options.Value;
        _tickets = tickets;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _maxTasks = _options.EffectiveMaxTasks;
        _db = store.Open();
        _writer = new TaskWriter(_db);
        _table = new TaskTable(_maxTasks, TaskStore.MaxId(_db));
        _active = _table.Active;
        // After the writer connection has read the store, so its WAL exists and the flush holds that very file.
        if (store.IsFile)
        {
            _walFlush = new WalFlush(store.Path);
            _flusher = new BatchFlusher(this);
        }
        Restore();
    }

    public int MaxTasks => _maxTasks;
    public int MaxTasksPerUser => _options.EffectiveMaxTasksPerUser;

    public int ActiveCount { get { lock (_gate) return _active.Count; } }

    public LockManager Locks => _locks;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The name the station itself goes by as a target of station-run kinds.</summary>
    public const string StationTarget = "station";

    private Outcome<(TaskKindDefinition, string, string, IReadOnlyList<LockRequest>)> Check(SubmitTask request, Caller caller)
    {
        if (string.IsNullOrWhiteSpace(request.Kind))
            return StationError.BadRequest($"'kind' is required; known kinds: {_catalog.KnownKinds}");
        if (!_catalog.TryGet(request.Kind, out var definition))
            return StationError.BadRequest($"unknown task kind '{request.Kind}'; known kinds: {_catalog.KnownKinds}");
        string target;
        // The action named in a refusal's audit line, built once for the several checks below.
        string action = "task.submit " + definition.Kind;
        if (definition.RunsAtStation)
        {
            if (request.Target is { Length: > 0 } t && t != StationTarget)
                return StationError.BadRequest($"{definition.Kind} runs at the station: its target is '{StationTarget}'");
            target = StationTarget;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Target))
                return StationError.BadRequest("'target' is required: a unit id from GET /api/v1/units, or 'station'");
            var unit = _units.View(request.Target);
            // A unit the caller may not see does not exist for them: the same answer as an unknown one.
            if (unit is null || !_access.CanSeeUnit(caller, unit.Id))
                return StationError.NotFound($"unit '{request.Target}' is not known; known units: {string.Join(", ", _units.All().Where(u => _access.CanSeeUnit(caller, u.Id)).Select(u => u.Id))}");
            // The kind's privilege on the unit comes before anything else: no parameter hints to who may not run it.
            if (_access.Demand(caller, action, ResourcePath.Unit(unit.Id), definition.Privilege) is { } denied) return denied;
            if (!unit.Online)
                return StationError.Conflict($"unit '{unit.Id}' is offline since {unit.OfflineSince:yyyy-MM-dd HH:mm:ss} UTC; start its agent or choose another unit");
            target = unit.Id;
        }
        var parameters = request.Parameters is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } p ? p : JsonDocument.Parse("{}").RootElement;
        // Paths come back in their one canonical form, before anything authorises, locks, stores or signs them.
        if (definition.Validate(parameters, target, out parameters) is { } problem)
            return StationError.BadRequest(problem);
        if (request.WaitSeconds is { } w && (w < 0 || w > 86400 || double.IsNaN(w)))
            return StationError.BadRequest("'waitSeconds' must be between 0 and 86400");
        if (request.IdempotencyKey is { Length: > 200 })
            return StationError.BadRequest("the idempotency key is longer than 200 characters");
        var plan = definition.LockPlan(target, parameters);
        var badResource = plan.FirstOrDefault(r => !r.Resource.StartsWith("/units/", StringComparison.Ordinal) && !r.Resource.StartsWith("/station/", StringComparison.Ordinal));
        if (badResource is not null)
            return StationError.BadRequest($"resource '{badResource.Resource}' is not a lockable path: use /units/<unit>/… or /station/…");
        // The privilege of the kind on every resource it touches: a deeper grant (or NoAccess) on a path decides there.
        foreach (var path in plan.Select(r => r.Resource).Distinct(StringComparer.Ordinal))
            if (_access.Demand(caller, action, path, definition.Privilege) is { } refusal) return refusal;
        return (definition, target, parameters.GetRawText(), plan);
    }

    /// <summary>The orders of granted tasks that are still active, signed together (on the dispatcher's signing worker).</summary>
    internal IEnumerable<(TaskRow Row, ReadyOrder? Order)> SignGranted(IReadOnlyList<long> taskIds)
    {
        var rows = new List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)>(taskIds.Count);
        lock (_gate)
        {
            foreach (var id in taskIds)
                if (_active.TryGetValue(id, out var a)) rows.Add((a.Row.Clone(), _locks.RemainingPlan(id)));
        }
        // The tasks one release granted share one ticket signature.
        var orders = SignOrders(rows);
        for (int i = 0; i < rows.Count; i++) yield return (rows[i].Row, orders[i]);
    }

    /// <summary>True when every order and cancel queued so far has been handed to the agents (or failed its task).</summary>
    internal bool OrdersIdle => _orders.Idle;


    private void Announce(long taskId, IReadOnlyList<string>? lines = null)
    {
        if (_notifier.SubscriberCount == 0) return;
        var view = View(taskId);
        if (view is not null) _notifier.Publish(new TaskUpdate(view, lines ?? []));
    }

    public void Dispose()
    {
        _orders.Dispose();
        _flusher?.Dispose();
        _walFlush?.Dispose();
        _writer.Dispose();
        _db.Dispose();
    }
}
