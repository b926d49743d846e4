using System.Collections.Concurrent;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>
/// Bulk tasks: one task over many units. <c>POST /api/v1/tasks</c> comes here; a request with one <c>target</c> goes on to the
/// <see cref="TaskEngine"/> unchanged, one with <c>targets</c> or a <c>selector</c> becomes a parent task (a row of the task
/// list that takes no slot and holds no lock) whose children are ordinary tasks, admitted by a <see cref="RolloutDriver"/>.
/// Parents and their children live in SQLite (<see cref="BulkStore"/>): at start every parent not ended goes on where it stood.
/// </summary>
public sealed class BulkRollouts : IHostedService, IDisposable
{
    public const int DefaultChildPage = 100, MaxChildPage = 1000;

    private readonly BulkStore _store;
    private readonly TaskEngine _engine;
    private readonly UnitDirectory _units;
    private readonly AccessControl _access;
    private readonly TaskNotifier _notifier;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, (RolloutDriver Driver, Task Run)> _drivers = new();
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;
    private IDisposable? _subscription;

    public BulkRollouts(StationDb store, TaskEngine engine, UnitDirectory units, AccessControl access, TaskNotifier notifier,
        TimeProvider? time = null, ILogger<BulkRollouts>? logger = null)
    {
        _store = new BulkStore(store);
        _engine = engine;
        _units = units;
        _access = access;
        _notifier = notifier;
        _clock = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How often a rollout looks at its children when no change woke it (a child's end wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The parents whose rollout runs in this process now.</summary>
    public IReadOnlyCollection<long> Running => _drivers.Keys.ToList();

    /// <summary>A task: to the engine when it names one <c>target</c>; a bulk parent when it names <c>targets</c> or a <c>selector</c>.</summary>
    public async Task<Outcome<TaskView>> SubmitAsync(SubmitTask request, Caller caller)
    {
        if (!request.IsBulk) return await _engine.SubmitAsync(request, caller).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(request.IdempotencyKey) && _engine.ByIdempotencyKey(caller.Name, request.IdempotencyKey) is { } again) return again;
        var checkedPlan = BulkRequestCheck.Check(request, caller, _units);
        if (!checkedPlan.Ok) return checkedPlan.Error!;
        try
        {
            return Start(checkedPlan.Value!, caller.Name, request.IdempotencyKey, request.Selector);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode == 19 && !string.IsNullOrEmpty(request.IdempotencyKey)
            && _engine.ByIdempotencyKey(caller.Name, request.IdempotencyKey) is { } first)
        {
            return first; // The same key submitted twice at once: the first parent is the answer to both.
        }
    }

    private TaskView Start(BulkPlan plan, string owner, string? idempotencyKey, BulkSelector? selector)
    {
        var rollout = JsonSerializer.Serialize(plan.Rollout, BulkRequestCheck.Json);
        var parameters = JsonSerializer.Serialize(new
        {
            kind = plan.Kind,
            parameters = JsonDocument.Parse(plan.ParametersJson).RootElement,
            units = plan.Units.Count,
            selector,
            rollout = plan.Rollout,
        }, BulkRequestCheck.Json);
        var row = new BulkParentRow
        {
            Owner = owner, Kind = plan.Kind, Parameters = plan.ParametersJson, Parallelism = plan.Parallelism, BatchWait = plan.BatchWaitSeconds,
            Budget = plan.Budget, Rollout = rollout,
        };
        var children = plan.Units.Select((u, i) => new BulkChildRow { Position = i, Unit = u }).ToList();
        var summary = RolloutDriver.Summary(children, row, null);
        row.Id = _engine.AddParent(owner, parameters, JsonSerializer.Serialize(summary, BulkRequestCheck.Json),
            $"0 of {plan.Units.Count} ended", string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey);
        _store.Create(row, plan.Units);
        foreach (var c in children) c.ParentId = row.Id;
        Launch(row, children);
        return _engine.View(row.Id)!;
    }

    /// <summary>Cancels a task: a bulk parent stops starting children and cancels those not ended; any other task goes to the engine.</summary>
    public async Task<Outcome<TaskView>> CancelAsync(long id, Caller caller)
    {
        var parent = _store.Parent(id);
        if (parent is null) return await _engine.CancelAsync(id, caller).ConfigureAwait(false);
        var view = _engine.Get(id, caller);
        if (!view.Ok) return view;
        if (parent.Ended == 1) return StationError.Conflict($"bulk task {id} has already ended ({view.Value!.State}); nothing to cancel");
        if (parent.Owner != caller.Name && !_access.Allows(caller, ResourcePath.Unit(BulkTasks.ParentTarget), Privileges.TasksCancelAny))
            return StationError.Forbidden($"bulk task {id} belongs to {parent.Owner}; only they or someone with {Privileges.TasksCancelAny} may cancel it");
        _store.RequestCancel(id);
        if (_drivers.TryGetValue(id, out var d)) d.Driver.RequestCancel();
        return _engine.View(id)!;
    }

    /// <summary>A new bulk task, owned by the caller, over the units whose child failed, was interrupted or was refused.</summary>
    public Outcome<TaskView> RetryFailed(long id, Caller caller)
    {
        var view = _engine.Get(id, caller);
        if (!view.Ok) return view;
        var parent = _store.Parent(id);
        if (parent is null) return StationError.BadRequest($"task {id} is not a bulk task; submit it again to retry it");
        if (parent.Ended == 0) return StationError.Conflict($"bulk task {id} is still rolling out; retry its failed children once it has ended (or cancel it first)");
        var failed = _store.Children(id).Where(c => c.State is TaskStateNames.Failed or TaskStateNames.Interrupted).Select(c => c.Unit).ToList();
        if (failed.Count == 0) return StationError.Conflict($"bulk task {id} has no failed child to retry");
        var rollout = JsonSerializer.Deserialize<BulkRollout>(parent.Rollout, BulkRequestCheck.Json) ?? new BulkRollout();
        var parameters = JsonDocument.Parse(parent.Parameters).RootElement.Clone();
        var request = new SubmitTask(parent.Kind, null, parameters.ValueKind == JsonValueKind.Null ? null : parameters, Targets: failed,
            Rollout: rollout with { Order = null });
        var plan = BulkRequestCheck.Check(request, caller, _units);
        if (!plan.Ok) return plan.Error!;
        return Start(plan.Value!, caller.Name, null, null);
    }

    /// <summary>One page of a bulk task's children in rollout order, optionally only those in one state; live state and progress for those running.</summary>
    public Outcome<BulkChildPage> Children(long id, Caller caller, string? state = null, int? offset = null, int? limit = null)
    {
        var view = _engine.Get(id, caller);
        if (!view.Ok) return view.Error!;
        var parent = _store.Parent(id);
        if (parent is null) return StationError.NotFound($"task {id} is not a bulk task; it has no children");
        int take = limit ?? DefaultChildPage, skip = offset ?? 0;
        if (take is < 1 or > MaxChildPage) return StationError.BadRequest($"'limit' must be between 1 and {MaxChildPage}; the default is {DefaultChildPage}");
        if (skip < 0) return StationError.BadRequest($"'offset' must be 0 or more; got {skip}");
        var rows = _store.Children(id);
        var all = rows.Select(Child).ToList();
        var matching = string.IsNullOrEmpty(state) ? all
            : state == BulkTasks.Active ? all.Where((c, i) => rows[i].State == ChildStates.Admitted && c.EndedAt is null).ToList()
            : all.Where(c => c.State == state).ToList();
        var summary = view.Value!.Result is { } r ? r.Deserialize<BulkSummary>(BulkRequestCheck.Json) : null;
        return new BulkChildPage(matching.Skip(skip).Take(take).ToList(), matching.Count, summary ?? RolloutDriver.Summary(rows, parent, null));
    }

    private BulkChildView Child(BulkChildRow c)
    {
        var task = c.TaskId is { } tid ? _engine.View(tid) : null;
        string state = c.State == ChildStates.Admitted && task is not null ? task.State : c.State;
        DateTimeOffset? ended = c.EndedAt is { } e ? StoreTime.Parse(e) : task?.EndedAt;
        return new BulkChildView((int)c.Position, c.Unit, c.TaskId, state, task?.Progress ?? (c.Open ? 0 : 1), task?.Error ?? c.Error, task?.StartedAt, ended);
    }

    /// <summary>Resumes every parent not ended; a parent whose rollout was never saved ends failed with the reason.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var orphan in _store.Orphans())
            _engine.UpdateParent(orphan, TaskState.Failed, 0, "not started", "{}", "the station stopped before this bulk task's rollout was saved; submit it again", TaskErrorKind.Interrupted);
        foreach (var parent in _store.Running())
        {
            var children = _store.Children(parent.Id).ToList();
            BulkLog.LogResumed(_logger, parent.Id, children.Count(c => c.Open));
            Launch(parent, children);
        }
        return Task.CompletedTask;
    }

    private void Launch(BulkParentRow parent, List<BulkChildRow> children)
    {
        var driver = new RolloutDriver(parent, children, _store, _engine, _access, _clock, PollInterval);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var token = _stop.Token;
        var run = Task.Run(async () =>
        {
            await go.Task.ConfigureAwait(false);
            try { await driver.RunAsync(ex => BulkLog.LogRoundFailed(_logger, parent.Id, ex), token).ConfigureAwait(false); }
            finally
            {
                _drivers.TryRemove(parent.Id, out _);
                driver.Dispose();
            }
        }, CancellationToken.None);
        lock (_drivers)
        {
            _subscription ??= _notifier.Subscribe(OnTaskUpdate);
            _drivers[parent.Id] = (driver, run);
        }
        go.SetResult();
    }

    /// <summary>A child that changed wakes its parent's rollout (it reads the child's state itself).</summary>
    private void OnTaskUpdate(TaskUpdate update)
    {
        if (!TaskStateExtensions.TryParseApi(update.Task.State, out var s) || !s.IsEnded()) return;
        foreach (var (driver, _) in _drivers.Values)
        {
            bool mine;
            lock (driver.ChildIds) mine = driver.ChildIds.Contains(update.Task.Id);
            if (mine) driver.Ended(update.Task.Id);
        }
    }

    /// <summary>Stops every rollout (they go on at the next start); waits for the rounds in progress.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await _stop.TryCancelAsync().ConfigureAwait(false)) return;
        var runs = _drivers.Values.Select(d => d.Run).ToArray();
        try { await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false); }
        catch (TimeoutException) { }
        catch (OperationCanceledException) { }
    }

    /// <summary>Waits (bounded) until the parent's rollout has ended in this process.</summary>
    public async Task WaitEndedAsync(long parentId, TimeSpan limit)
    {
        if (_drivers.TryGetValue(parentId, out var d)) await d.Run.WaitAsync(limit).ConfigureAwait(false);
    }

    /// <summary>Disposed once, though the container disposes it twice (as itself and as the hosted service it also is).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        var runs = _drivers.Values.Select(d => d.Run).ToArray();
        try { Task.WhenAll(runs).Wait(TimeSpan.FromSeconds(30)); }
        catch (AggregateException) { }
        _subscription?.Dispose();
        _stop.Dispose();
    }
}
