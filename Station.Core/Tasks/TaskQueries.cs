using System.Text.Json;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The engine's reading side: task views (live for active tasks), who may see which task, the task list, events,
/// the lock table and the words that say what a waiting task waits for. Reads the store under the write gate, as
/// the engine's single writer connection serves reads too; shows nothing above the durable watermark.
/// </summary>
internal sealed class TaskQueries
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskTable _table;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly LockManager _locks;
    private readonly AccessControl _access;
    private readonly UnitRegistry _units;

    public TaskQueries(object gate, SqliteConnection db, TaskTable table, LockManager locks, AccessControl access, UnitRegistry units)
    {
        _gate = gate;
        _db = db;
        _table = table;
        _active = table.Active;
        _locks = locks;
        _access = access;
        _units = units;
    }

    private long DurableThrough => _table.DurableThrough;

    public bool CanSee(Caller caller, TaskRow row) => CanSee(caller, row.Owner, row.Target);

    /// <summary>A task is visible to its owner, and to whoever holds Tasks.ViewAll on its unit.</summary>
    public bool CanSee(Caller caller, string owner, string target) =>
        owner == caller.Name || _access.Allows(caller, ResourcePath.Unit(target), Security.Privileges.TasksViewAll);

    public Outcome<TaskView> Get(long id, Caller caller)
    {
        var view = id <= DurableThrough ? View(id) : null;
        if (view is null || !CanSee(caller, view.Owner, view.Target))
            return StationError.NotFound($"task {id} does not exist");
        return view;
    }

    /// <summary>Tasks the caller may see: their own, and everybody's on units where they hold Tasks.ViewAll.</summary>
    public Outcome<IReadOnlyList<TaskView>> List(TaskQuery query, Caller caller)
    {
        if (query.State is { Length: > 0 } s && !Shared.Contracts.TaskStateExtensions.TryParseApi(s, out _))
            return StationError.BadRequest($"unknown state '{s}'; states: queued, waitingForLocks, dispatched, running, succeeded, failed, cancelled, interrupted");
        if (query.Kind is { Length: > 0 } k && k != Shared.Contracts.Bulk.BulkTasks.ParentKind && !KindContracts.TryGet(k, out _))
            return StationError.BadRequest($"unknown task kind '{k}'; kinds: {string.Join(", ", KindContracts.All.Select(c => c.Kind).Order(StringComparer.Ordinal))}");
        if (query.Text is { Length: > TaskQuery.MaxText })
            return StationError.BadRequest($"the search text is longer than {TaskQuery.MaxText} characters");
        bool viewAllEverywhere = _access.Allows(caller, "/", Security.Privileges.TasksViewAll);
        bool viewAllSomewhere = viewAllEverywhere || _units.All().Any(u => _access.Allows(caller, ResourcePath.Unit(u.Id), Security.Privileges.TasksViewAll));
        if (!viewAllSomewhere && query.Owner is { Length: > 0 } o && o != caller.Name)
            return StationError.Forbidden($"listing other users' tasks needs the privilege {Security.Privileges.TasksViewAll}");
        string? owner = viewAllSomewhere ? NullIfEmpty(query.Owner) : caller.Name;
        string? state = query.State is { Length: > 0 } st && Shared.Contracts.TaskStateExtensions.TryParseApi(st, out var parsed) ? Shared.Contracts.TaskStateExtensions.ToApi(parsed) : null;
        int limit = Math.Clamp(query.Limit, 1, 1000);
        List<TaskRow> rows;
        // Someone who sees everybody's tasks on some units only gets a wider page, filtered here.
        int fetch = viewAllEverywhere || !viewAllSomewhere ? limit : Math.Min(limit * 4, 4000);
        string? text = NullIfEmpty(query.Text?.Trim())?.ToLowerInvariant();
        lock (_gate) rows = TaskStore.Query(_db, state, owner, NullIfEmpty(query.Target), fetch, NullIfEmpty(query.Kind), text).ToList();
        long durable = DurableThrough;
        return rows.Where(r => r.Id <= durable && (viewAllEverywhere || CanSee(caller, r))).Take(limit).Select(r => View(r.Id) ?? ToView(r)).ToList();
    }

    public Outcome<IReadOnlyList<TaskEventView>> Events(long id, Caller caller, long afterId = 0)
    {
        var view = Get(id, caller);
        if (!view.Ok) return view.Error!;
        lock (_gate) return TaskStore.Events(_db, id, afterId).ToList();
    }

    /// <summary>The current view of a task, live values for active tasks.</summary>
    public TaskView? View(long id)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(id, out var a)) return ToView(a.Row);
            var row = TaskStore.Get(_db, id);
            if (row is not null) row.RelayedTo = TaskStore.RelayedTo(_db, id);
            return row is null ? null : ToView(row);
        }
    }

    /// <summary>Every held lock and waiter on resources the caller may view (Units.View on the resource's path).</summary>
    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) LockTable(Caller caller)
    {
        var (held, waiting) = LockTable();
        return (held.Where(h => _access.Allows(caller, h.Resource, Security.Privileges.UnitsView)).ToList(),
            waiting.Where(w => _access.Allows(caller, w.Resource, Security.Privileges.UnitsView)).ToList());
    }

    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) LockTable()
    {
        long durable = DurableThrough;
        lock (_gate)
        {
            var held = _locks.Held().Where(h => h.TaskId <= durable).Select(HeldView).ToList();
            var waiting = _locks.Waiting().Where(w => w.TaskId <= durable).Select(Awaited).ToList();
            return (held, waiting);
        }
    }

    /// <summary>The view of a row; live locks and waits for an active task. Under the gate.</summary>
    public TaskView ToView(TaskRow r)
    {
        bool active = _active.ContainsKey(r.Id);
        var held = active ? _locks.HeldBy(r.Id).Select(HeldView).ToList() : [];
        var awaited = active ? _locks.AwaitedBy(r.Id).Select(Awaited).ToList() : [];
        return BuildView(r, held, awaited);
    }

    /// <summary>The view of a task just admitted with its whole plan granted: built outside the monitor from what admission knew.</summary>
    /// <remarks><paramref name="parameters"/> is the row's parameters already parsed (admission checked them), so they are not parsed again.</remarks>
    public static TaskView AdmittedView(TaskRow r, IReadOnlyList<LockRequest> plan, DateTimeOffset grantedAt, JsonElement? parameters = null)
    {
        var held = new List<HeldLockView>(plan.Count);
        // By resource, in plan order among equals (a stable insertion sort: a plan has a few locks).
        for (int i = 0; i < plan.Count; i++)
        {
            var l = plan[i];
            int at = held.Count;
            while (at > 0 && string.CompareOrdinal(held[at - 1].Resource, l.Resource) > 0) at--;
            held.Insert(at, new HeldLockView(l.Resource, l.Mode.ToApi(), r.Id, r.Owner, r.Kind, grantedAt, l.ReleaseAfterStage));
        }
        return BuildView(r, held, [], parameters);
    }

    private static TaskView BuildView(TaskRow r, IReadOnlyList<HeldLockView> held, List<AwaitedLockView> awaited, JsonElement? parameters = null) =>
        new(r.Id, r.Kind, r.Target, r.Owner, r.Slot is null ? null : (int)r.Slot, Shared.Contracts.TaskStateExtensions.ToApi(r.State), r.Progress, r.Stage,
            (int)r.StageIndex, (int)r.StageCount, parameters ?? Json(r.Parameters), Json(r.Result), r.Error,
            r.DedicatedThread is null ? null : r.DedicatedThread == 1,
            held, awaited, awaited.Count == 0 ? null : string.Join("; ", awaited.Select(w => w.Description)),
            StoreTime.Parse(r.CreatedAt), r.StartedAt is null ? null : StoreTime.Parse(r.StartedAt), r.EndedAt is null ? null : StoreTime.Parse(r.EndedAt),
            r.ErrorKind, RelayedFrom.Of(r.Owner, r.IdempotencyKey), r.RelayedTo);

    private HeldLockView HeldView(HeldLock h)
    {
        var holder = _active.TryGetValue(h.TaskId, out var a) ? a.Row : null;
        return new HeldLockView(h.Resource, h.Mode.ToApi(), h.TaskId, holder?.Owner ?? "?", holder?.Kind ?? "?", h.Since, h.ReleaseAfterStage);
    }

    /// <summary>A waiter's lock with who holds it and why. Under the gate.</summary>
    private AwaitedLockView Awaited(AwaitedLock w)
    {
        var holders = Holders(w);
        return new AwaitedLockView(w.TaskId, w.Resource, w.Mode.ToApi(), w.HeldBy, Describe(w, holders), holders);
    }

    private List<LockHolderView> Holders(AwaitedLock w) => w.HeldBy.Select(id =>
    {
        if (!_active.TryGetValue(id, out var h)) return new LockHolderView(id, "?", "?", null, false, null);
        var r = h.Row;
        bool queued = r.State == Shared.Contracts.TaskState.WaitingForLocks;
        DateTimeOffset? since = queued ? null : _locks.HeldBy(id) is { Count: > 0 } heldBy ? heldBy[0].Since : null;
        return new LockHolderView(id, r.Owner, r.Kind, TaskReasons.Of(r), queued, since);
    }).ToList();

    /// <summary>
    /// "waiting for /units/a/disks/sdb, held by task 17 (alice, storage.mkfs, stage 2 of 3) since 12:03:00", and the
    /// holder's stated reason after it ("…: 'replacing disk'"); a one-stage holder's stage is left out.
    /// </summary>
    private string Describe(AwaitedLock w, IReadOnlyList<LockHolderView> holders)
    {
        var parts = holders.Select(holder =>
        {
            if (holder.Owner == "?") return $"task {holder.TaskId}";
            string reason = holder.Reason is { } why ? $": '{why}'" : "";
            if (holder.QueuedAhead) return $"task {holder.TaskId} ({holder.Owner}, {holder.Kind}), queued ahead{reason}";
            var r = _active[holder.TaskId].Row;
            string stage = r.StageCount > 1 ? $", stage {Math.Max(1, r.StageIndex)} of {r.StageCount}" : "";
            return $"task {holder.TaskId} ({holder.Owner}, {holder.Kind}{stage}){(holder.Since is { } since ? $" since {since:HH:mm:ss}" : "")}{reason}";
        });
        return $"waiting for {w.Resource}, held by {string.Join(" and ", parts)}";
    }

    /// <summary>What an active task waits for, in words; null when it waits for nothing. Under the gate.</summary>
    public string? WaitingForText(long taskId)
    {
        var awaited = _locks.AwaitedBy(taskId);
        return awaited.Count == 0 ? null : string.Join("; ", awaited.Select(w => Describe(w, Holders(w))));
    }

    private static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        // The parsed document is disposed once cloned, so its pooled buffers go back to the pool.
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            using var doc = JsonDocument.Parse(JsonSerializer.Serialize(text));
            return doc.RootElement.Clone();
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
