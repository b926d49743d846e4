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
/// is announced. One monitor serialises all changes; sends to agents happen outside it.
/// </summary>
public sealed partial class TaskEngine : IDisposable
{
    private readonly object _gate = new();
    private readonly SqliteConnection _db;
    private readonly StationDb _store;
    private readonly LockManager _locks;
    private readonly TaskKindCatalog _catalog;
    private readonly UnitRegistry _units;
    private readonly IAgentDispatcher _dispatcher;
    private readonly TaskNotifier _notifier;
    private readonly StationOptions _options;
    private readonly StationSecrets _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskEngine> _logger;
    private readonly Dictionary<long, Active> _active = [];
    private readonly bool[] _slots;

    private sealed class Active(TaskRow row)
    {
        public TaskRow Row { get; set; } = row;
        public DateTimeOffset LastPersisted { get; set; }
        /// <summary>When set, the task is Interrupted at this time unless its agent claims it first.</summary>
        public DateTimeOffset? Deadline { get; set; }
        public string? DeadlineReason { get; set; }
        public bool CancelRequested { get; set; }
    }

    public TaskEngine(StationDb store, LockManager locks, TaskKindCatalog catalog, UnitRegistry units, IAgentDispatcher dispatcher,
        TaskNotifier notifier, IOptions<StationOptions> options, StationSecrets secrets, ILogger<TaskEngine> logger, TimeProvider? time = null)
    {
        _store = store;
        _locks = locks;
        _catalog = catalog;
        _units = units;
        _dispatcher = dispatcher;
        _notifier = notifier;
        _options = options.Value;
        _secrets = secrets;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _slots = new bool[_options.EffectiveMaxTasks];
        _db = store.Open();
        Restore();
    }

    public int MaxTasks => _slots.Length;
    public int MaxTasksPerUser => _options.EffectiveMaxTasksPerUser;

    public int ActiveCount { get { lock (_gate) return _active.Count; } }

    public LockManager Locks => _locks;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Admits a task: validates it, takes a slot, commits it with its lock plan, and dispatches it if the plan was granted.</summary>
    public async Task<Outcome<TaskView>> SubmitAsync(SubmitTask request, Caller caller)
    {
        var checkedRequest = Check(request);
        if (!checkedRequest.Ok) return checkedRequest.Error!;
        var (definition, target, parametersJson, plan) = checkedRequest.Value!;

        TaskRow row;
        bool granted;
        lock (_gate)
        {
            if (request.IdempotencyKey is { Length: > 0 } key && TaskStore.ByIdempotencyKey(_db, null, caller.Name, key) is { } existing)
                return ToView(existing);

            if (_active.Count >= _slots.Length)
                return StationError.TooMany($"task list is full: {_active.Count} of {_slots.Length} slots in use; wait for a task to end or cancel one");
            int mine = _active.Values.Count(a => a.Row.Owner == caller.Name);
            if (mine >= MaxTasksPerUser)
                return StationError.TooMany($"you already run {mine} tasks, the limit per user is {MaxTasksPerUser}; wait for one to end or cancel one");

            int slot = Array.IndexOf(_slots, false);
            var now = Now;
            row = new TaskRow
            {
                Kind = definition.Kind, Target = target, Owner = caller.Name, Parameters = parametersJson, Slot = slot,
                State = TaskState.Queued.ToApi(), StageCount = definition.StageCount, IdempotencyKey = request.IdempotencyKey,
                WaitSeconds = request.WaitSeconds, CreatedAt = TaskStore.Time(now),
            };
            using var tx = _db.BeginTransaction();
            row.Id = TaskStore.Insert(_db, tx, row);
            granted = _locks.Request(row.Id, plan, now);
            try
            {
                TaskStore.InsertLocks(_db, tx, row.Id, _locks.RemainingPlan(row.Id), granted, now);
                row.State = (granted ? TaskState.Dispatched : TaskState.WaitingForLocks).ToApi();
                row.Stage = granted ? "dispatched to " + target : "waiting for locks";
                TaskStore.Update(_db, tx, row);
                TaskStore.Event(_db, tx, row.Id, now, "submitted", TaskState.Queued.ToApi(), message: $"{caller.Name} submitted {row.Kind} on {target} into slot {slot}");
                TaskStore.Event(_db, tx, row.Id, now, "state", row.State, stage: row.Stage);
                tx.Commit();
            }
            catch
            {
                _locks.Remove(row.Id, now);
                throw;
            }
            _slots[slot] = true;
            _active[row.Id] = new Active(row) { LastPersisted = now };
        }
        LogAdmitted(row.Id, row.Kind, row.Target, row.Owner, row.Slot ?? -1, granted);
        Announce(row.Id);
        if (granted) await DispatchAsync([row.Id]).ConfigureAwait(false);
        return View(row.Id)!;
    }

    private Outcome<(TaskKindDefinition, string, string, IReadOnlyList<LockRequest>)> Check(SubmitTask request)
    {
        if (string.IsNullOrWhiteSpace(request.Kind))
            return StationError.BadRequest($"'kind' is required; known kinds: {_catalog.KnownKinds}");
        if (!_catalog.TryGet(request.Kind, out var definition))
            return StationError.BadRequest($"unknown task kind '{request.Kind}'; known kinds: {_catalog.KnownKinds}");
        if (string.IsNullOrWhiteSpace(request.Target))
            return StationError.BadRequest("'target' is required: a unit id from GET /api/v1/units, or 'station'");
        var unit = _units.View(request.Target);
        if (unit is null)
            return StationError.NotFound($"unit '{request.Target}' is not known; known units: {string.Join(", ", _units.All().Select(u => u.Id))}");
        if (!unit.Online)
            return StationError.Conflict($"unit '{unit.Id}' is offline since {unit.OfflineSince:yyyy-MM-dd HH:mm:ss} UTC; start its agent or choose another unit");
        var parameters = request.Parameters is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } p ? p : JsonDocument.Parse("{}").RootElement;
        if (definition.Validate(parameters) is { } problem)
            return StationError.BadRequest(problem);
        if (request.WaitSeconds is { } w && (w < 0 || w > 86400 || double.IsNaN(w)))
            return StationError.BadRequest("'waitSeconds' must be between 0 and 86400");
        if (request.IdempotencyKey is { Length: > 200 })
            return StationError.BadRequest("the idempotency key is longer than 200 characters");
        var plan = definition.LockPlan(unit.Id, parameters);
        var badResource = plan.FirstOrDefault(r => !r.Resource.StartsWith("/units/", StringComparison.Ordinal) && !r.Resource.StartsWith("/station/", StringComparison.Ordinal));
        if (badResource is not null)
            return StationError.BadRequest($"resource '{badResource.Resource}' is not a lockable path: use /units/<unit>/… or /station/…");
        return (definition, unit.Id, parameters.GetRawText(), plan);
    }

    /// <summary>Sends granted tasks to their agents, outside the monitor.</summary>
    private async Task DispatchAsync(IReadOnlyList<long> taskIds)
    {
        foreach (var id in taskIds)
        {
            TaskRow row;
            lock (_gate)
            {
                if (!_active.TryGetValue(id, out var a)) continue;
                row = a.Row.Clone();
            }
            var issued = Now;
            var order = new TaskOrder(row.Id, row.Kind, row.Parameters, row.Owner, issued, "");
            order = order with { Signature = TaskOrderSigning.Sign(order, _secrets.AgentKey) };
            bool sent;
            try { sent = await _dispatcher.RunAsync(row.Target, order).ConfigureAwait(false); }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogDispatchFailed(ex, row.Id);
                sent = false;
            }
            if (!sent)
            {
                var since = _units.View(row.Target)?.OfflineSince;
                await EndAsync(row.Id, TaskState.Failed, null, $"unit '{row.Target}' went offline{(since is null ? "" : $" at {since:HH:mm:ss} UTC")} before the task could start").ConfigureAwait(false);
            }
        }
    }

    private void Announce(long taskId, IReadOnlyList<string>? lines = null)
    {
        var view = View(taskId);
        if (view is not null) _notifier.Publish(new TaskUpdate(view, lines ?? []));
    }

    public void Dispose() => _db.Dispose();
}
