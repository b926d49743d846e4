using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Telemetry;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The task list: admission into a fixed number of slots, lock plans, dispatch to agents, progress, staged
/// release, ends, cancellation and recovery. Every transition is committed to SQLite before it is announced.
/// This class wires the engine's parts around one <see cref="TaskTable"/> and hands each call to its part:
/// <see cref="TaskAdmission"/> and <see cref="BatchCommit"/> (submissions), <see cref="TaskLifecycle"/>,
/// <see cref="TaskCancellation"/>, <see cref="UnitLeases"/> and <see cref="TaskRecovery"/> (what happens to a task
/// after), <see cref="TaskQueries"/> (what is shown), <see cref="TaskSender"/> with the <see cref="OrderDispatcher"/>
/// (what goes to the agents). One monitor serialises all changes; sends to agents happen outside it. That monitor is
/// the store's write gate (<see cref="StationDb.WriteGate"/>), so the engine's writer connection and the station's
/// other writers (audit, logins, health) take turns in memory instead of polling SQLite's lock.
/// </summary>
public sealed class TaskEngine : IDisposable
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly TaskWriter _writer;
    private readonly WalFlush? _walFlush;
    private readonly TaskTable _table;
    private readonly StationOptions _options;
    private readonly TaskNotifier _notifier;
    private readonly LockManager _locks;
    private readonly OrderDispatcher _orders;
    private readonly TaskQueries _queries;
    private readonly TaskAdmission _admission;
    private readonly BatchCommit _commit;
    private readonly TaskLifecycle _lifecycle;
    private readonly TaskCancellation _cancellation;
    private readonly UnitLeases _leases;
    private readonly TaskRecovery _recovery;
    private readonly TaskAnnouncer _announcer;
    private readonly ParentTasks _parents;
    private readonly TimeProvider _clock;

    public TaskEngine(StationDb store, LockManager locks, TaskKindCatalog catalog, UnitRegistry units, IAgentDispatcher dispatcher,
        TaskNotifier notifier, IOptions<StationOptions> options, UnitTickets tickets, AccessControl access, ILogger<TaskEngine> logger, TimeProvider? time = null,
        IOrderPreparer? preparer = null, IEnumerable<IStationExecutor>? stationExecutors = null, StationMetrics? metrics = null)
    {
        _gate = store.WriteGate;
        _locks = locks;
        _notifier = notifier;
        _options = options.Value;
        var clock = _clock = time ?? TimeProvider.System;
        var executors = (stationExecutors ?? []).ToDictionary(e => e.Kind, StringComparer.Ordinal);
        _db = store.Open();
        _writer = new TaskWriter(_db);
        _table = new TaskTable(_options.EffectiveMaxTasks, TaskStore.MaxId(_db), units.RouteOf);
        // After the writer connection has read the store, so its WAL exists and the flush holds that very file.
        if (store.IsFile) _walFlush = new WalFlush(store.Path);

        _queries = new TaskQueries(_gate, _db, _table, locks, access, units);
        var announcer = _announcer = new TaskAnnouncer(_queries, notifier);
        _parents = new ParentTasks(_gate, _db, _table, announcer, clock);
        var sender = new TaskSender(_gate, _table, locks, catalog, dispatcher, units, tickets, access, preparer, executors, clock, logger);
        _orders = new OrderDispatcher(sender, dispatcher, logger);
        _leases = new UnitLeases(_gate, _db, _writer, _table, executors, announcer, _orders, access.Audit, _options, clock);
        _lifecycle = new TaskLifecycle(_gate, _db, _writer, _table, locks, announcer, _orders, _leases, tickets, access.Audit, clock, logger, metrics);
        sender.Attach(_lifecycle);
        _cancellation = new TaskCancellation(_gate, _db, _table, access, units, executors, _queries, announcer, _orders, _lifecycle, clock);
        _recovery = new TaskRecovery(_gate, _db, _table, locks, _queries, _lifecycle, _orders, units, executors, _options, clock);
        _commit = new BatchCommit(_gate, _db, _writer, _walFlush, _table, locks, _queries, sender, preparer, _options, clock, logger);
        _admission = new TaskAdmission(new SubmissionCheck(catalog, units, access), _commit, _walFlush, _table, _lifecycle, _orders, notifier, access.Audit, logger, store.Space, metrics,
            new NetAddressBook(store, units));
        _recovery.Restore();
        metrics?.Observe(TasksByState, () => ActiveCount);
    }

    public int MaxTasks => _table.MaxTasks;
    public int MaxTasksPerUser => _options.EffectiveMaxTasksPerUser;

    public int ActiveCount { get { lock (_gate) return _table.Active.Count; } }

    public LockManager Locks => _locks;

    /// <summary>The tasks in the list now by state, every state that is not an end (0 when none), for the tasks gauge.</summary>
    private IEnumerable<System.Diagnostics.Metrics.Measurement<int>> TasksByState()
    {
        var counts = new int[Enum.GetValues<TaskState>().Length];
        lock (_gate)
        {
            foreach (var a in _table.Active.Values) counts[(int)a.Row.State]++;
        }
        return Enum.GetValues<TaskState>().Where(s => !s.IsEnded()).Select(s =>
            new System.Diagnostics.Metrics.Measurement<int>(counts[(int)s], new KeyValuePair<string, object?>(StationTelemetry.StateTag, s.ToApi())));
    }

    /// <summary>The name the station itself goes by as a target of station-run kinds.</summary>
    public const string StationTarget = "station";

    /// <summary>True when every order and cancel queued so far has been handed to the agents (or failed its task).</summary>
    internal bool OrdersIdle => _orders.Idle;

    /// <summary>The WAL flush of admissions on a file store (null in memory): what was written and what is on disk.</summary>
    internal WalFlush? AdmissionFlush => _walFlush;

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> (2 = FULL) between transactions.</summary>
    internal long WriterSynchronous() => _commit.WriterSynchronous();

    // Admission.
    public Task<Outcome<TaskView>> SubmitAsync(SubmitTask request, Caller caller) => request.IsBulk
        ? Task.FromResult<Outcome<TaskView>>(StationError.BadRequest("a task with 'targets', 'selector' or 'rollout' is a bulk task: submit it through POST /api/v1/tasks"))
        : _admission.SubmitAsync(request, caller);

    /// <summary>Submits a task and waits (bounded) until it ends: for REST calls that answer with the result.</summary>
    public async Task<Outcome<TaskView>> RunAndWaitAsync(SubmitTask request, Caller caller, TimeSpan limit)
    {
        var submitted = await SubmitAsync(request, caller).ConfigureAwait(false);
        if (!submitted.Ok) return submitted;
        var id = submitted.Value!.Id;
        var ended = new TaskCompletionSource<TaskView>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _notifier.Subscribe(u =>
        {
            if (u.Task.Id == id && TaskStateExtensions.TryParseApi(u.Task.State, out var s) && s.IsEnded()) ended.TrySetResult(u.Task);
        });
        if (View(id) is { } now && TaskStateExtensions.TryParseApi(now.State, out var st) && st.IsEnded()) return now;
        try
        {
            return await ended.Task.WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return View(id)!;
        }
    }

    // Bulk parents: rows of the task list that take no slot and hold no lock (the bulk rollouts drive them).
    public long AddParent(string owner, string parametersJson, string resultJson, string stage, string? idempotencyKey) =>
        _parents.Add(owner, parametersJson, resultJson, stage, idempotencyKey);
    public void UpdateParent(long id, TaskState state, double progress, string stage, string resultJson, string? error, TaskErrorKind? errorKind) =>
        _parents.Update(id, state, progress, stage, resultJson, error, errorKind);

    // Lifecycle: what agents (and station-run kinds) report, ends and cancels.
    public (string Kind, string State, string Parameters)? ActiveOn(string unitId, long taskId) => _lifecycle.ActiveOn(unitId, taskId);
    public void OnStarted(string unitId, TaskStarted started) => _lifecycle.OnStarted(unitId, started);
    public void OnProgress(string unitId, TaskProgress progress) => _lifecycle.OnProgress(unitId, progress);
    public Task OnStageDoneAsync(string unitId, TaskStageDone done) => _lifecycle.OnStageDoneAsync(unitId, done);
    public Task OnResultAsync(string unitId, TaskResult result) => _lifecycle.OnResultAsync(unitId, result);
    public Task EndAsync(long taskId, TaskState state, string? resultJson, string? error, TaskErrorKind errorKind = TaskErrorKind.None) =>
        _lifecycle.EndAsync(taskId, state, resultJson, error, errorKind);
    public Task<Outcome<TaskView>> CancelAsync(long taskId, Caller caller) => _cancellation.CancelAsync(taskId, caller);

    // A unit's connection and lease.
    public Task OnAnnounceAsync(string unitId, IReadOnlyList<RunningTaskInfo> running) => _leases.OnAnnounceAsync(unitId, running);
    public void OnUnitLost(string unitId) => _leases.OnUnitLost(unitId);
    public LeaseGrant OnLeaseRenewed(string unitId, LeaseRequest request) => _leases.OnLeaseRenewed(unitId, request);
    public void OnOrderReceived(string unitId, OrderReceipt receipt) => _leases.OnOrderReceived(unitId, receipt);

    // Recovery and the clock.
    public Task TickAsync() => _recovery.TickAsync();
    public Task ResumeAfterRestoreAsync() => _recovery.ResumeAfterRestoreAsync();

    // Queries.
    public bool CanSee(Caller caller, string owner, string target) => _queries.CanSee(caller, owner, target);
    public Outcome<TaskView> Get(long id, Caller caller) => _queries.Get(id, caller);
    public Outcome<IReadOnlyList<TaskView>> List(TaskQuery query, Caller caller) => _queries.List(query, caller);
    public Outcome<IReadOnlyList<TaskEventView>> Events(long id, Caller caller, long afterId = 0) => _queries.Events(id, caller, afterId);
    public TaskView? View(long id) => _queries.View(id);

    /// <summary>Adds a line to a task's log, as its agent's lines are kept (a relayed task's link to the station above).</summary>
    public void Note(long taskId, string line)
    {
        var now = _clock.GetUtcNow();
        lock (_gate) TaskStore.Event(_db, null, taskId, now, "log", message: $"{now:HH:mm:ss} {line}");
        _announcer.Announce(taskId);
    }

    /// <summary>The task <paramref name="owner"/> submitted with <paramref name="key"/>, if any (a relayed order seen again).</summary>
    public TaskView? ByIdempotencyKey(string owner, string key)
    {
        TaskRow? row;
        lock (_gate) row = TaskStore.ByIdempotencyKey(_db, null, owner, key);
        return row is null ? null : View(row.Id);
    }
    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) LockTable(Caller caller) => _queries.LockTable(caller);
    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) LockTable() => _queries.LockTable();

    public void Dispose()
    {
        _orders.Dispose();
        _admission.Dispose();
        _walFlush?.Dispose();
        _writer.Dispose();
        _db.Dispose();
    }
}
