using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>
/// Drives one bulk parent: admits its children in order through the ordinary <see cref="TaskEngine.SubmitAsync"/> (each
/// with its own slot, locks and ticket, under the owner's rights as they are at that moment) until <c>parallelism</c> of them
/// are in the task list; refills a place only <c>batchWaitSeconds</c> after the child in it ended; stops starting children
/// once the failure budget is spent or a cancel was asked, lets the running ones finish, and ends the parent. Every child's
/// task id is saved once admitted; a child is admitted with the idempotency key <c>bulk-{parent}-{unit}</c>, so after a
/// restart a child admitted just before it is found again, never admitted twice. A child refused because the task list or
/// the owner's share of it is full (429) waits and is tried again, like any task waiting for a slot.
/// </summary>
internal sealed class RolloutDriver : IDisposable
{
    private readonly BulkParentRow _parent;
    private readonly List<BulkChildRow> _children;
    private readonly BulkStore _store;
    private readonly TaskEngine _engine;
    private readonly AccessControl _access;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _poll;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly System.Collections.Concurrent.ConcurrentQueue<long> _endedIds = new();
    private bool _fullRead = true;
    private DateTimeOffset _lastFullRead;
    private volatile bool _cancel;
    private bool _cancelsSent;
    private string? _stopped;
    private DateTimeOffset _nextStart = DateTimeOffset.MinValue;
    private string? _lastRollUp;

    public RolloutDriver(BulkParentRow parent, List<BulkChildRow> children, BulkStore store, TaskEngine engine, AccessControl access, TimeProvider clock, TimeSpan poll)
    {
        _parent = parent;
        _children = children;
        _store = store;
        _engine = engine;
        _access = access;
        _clock = clock;
        _poll = poll;
        _cancel = parent.CancelRequested == 1;
        ChildIds = new HashSet<long>(children.Where(c => c.TaskId is not null).Select(c => c.TaskId!.Value));
    }

    public long ParentId => _parent.Id;

    /// <summary>The task ids of this parent's children admitted so far (read by the notifier's callback to wake the loop).</summary>
    public HashSet<long> ChildIds { get; }

    /// <summary>A child that ended: the next round reads it (and no other, unless a poll is due).</summary>
    public void Ended(long taskId)
    {
        _endedIds.Enqueue(taskId);
        Wake();
    }

    public void Wake()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // The rollout ended meanwhile: nothing to wake.
        }
        catch (SemaphoreFullException)
        {
            // Woken twice at once: once is enough.
        }
    }

    public void RequestCancel()
    {
        _cancel = true;
        Wake();
    }

    public async Task RunAsync(Action<Exception> failed, CancellationToken stop)
    {
        // After a restart: a budget spent before it is still spent.
        var skipped = new List<BulkChildRow>();
        SpendBudget(skipped);
        _store.Save(skipped);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                Refresh();
                var owner = _access.Resolve(_parent.Owner);
                if (_cancel) await CancelChildrenAsync(owner).ConfigureAwait(false);
                else if (_stopped is null) await AdmitAsync(owner, stop).ConfigureAwait(false);
                if (RollUp()) return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !stop.IsCancellationRequested)
            {
                // A store or engine hiccup: the rollout stands where its rows say and goes on at the next round.
                failed(ex);
            }
            var wait = _poll;
            if (_stopped is null && !_cancel && _children.Any(c => c.State == ChildStates.Pending) && _nextStart - _clock.GetUtcNow() is { } untilNext && untilNext > TimeSpan.Zero && untilNext < wait)
                wait = untilNext;
            try { _fullRead = !await _wake.WaitAsync(wait, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Reads the state of the children in the task list; saves those that ended; spends the budget.</summary>
    private void Refresh()
    {
        var ended = new List<BulkChildRow>();
        // Woken by children that ended: only those are read; on a poll (nothing woke the rollout) every child in the list is.
        var heard = new HashSet<long>();
        while (_endedIds.TryDequeue(out var id)) heard.Add(id);
        var now = _clock.GetUtcNow();
        bool all = _fullRead || now - _lastFullRead >= _poll;
        _fullRead = false;
        if (all) _lastFullRead = now;
        foreach (var c in _children.Where(c => c.State == ChildStates.Admitted && (all || heard.Contains(c.TaskId!.Value))))
        {
            var view = _engine.View(c.TaskId!.Value);
            if (view is null || !TaskStateExtensions.TryParseApi(view.State, out var state) || !state.IsEnded()) continue;
            c.State = view.State;
            c.Error = view.Error;
            c.EndedAt = StoreTime.Format(view.EndedAt ?? _clock.GetUtcNow());
            ended.Add(c);
        }
        if (ended.Count > 0 && _parent.BatchWait > 0) _nextStart = _clock.GetUtcNow().AddSeconds(_parent.BatchWait);
        SpendBudget(ended);
        _store.Save(ended);
    }

    /// <summary>Once the failures reach the budget, the children not started are skipped (saved with the caller's other changes).</summary>
    private void SpendBudget(List<BulkChildRow> changed)
    {
        if (_stopped is not null || _parent.Budget is not { } budget) return;
        int failures = _children.Count(IsFailure);
        if (failures < budget) return;
        _stopped = $"stopped after {failures} failure{(failures == 1 ? "" : "s")} (budget {budget})";
        foreach (var c in _children.Where(c => c.State == ChildStates.Pending))
        {
            c.State = ChildStates.Skipped;
            c.Error = _stopped;
            changed.Add(c);
        }
    }

    private static bool IsFailure(BulkChildRow c) => c.State is TaskStateNames.Failed or TaskStateNames.Interrupted;

    private async Task AdmitAsync(Caller owner, CancellationToken stop)
    {
        if (_clock.GetUtcNow() < _nextStart) return;
        int active = _children.Count(c => c.State == ChildStates.Admitted);
        var parameters = JsonDocument.Parse(_parent.Parameters).RootElement.Clone();
        JsonElement? childParameters = parameters.ValueKind == JsonValueKind.Null ? null : parameters;
        foreach (var c in _children.Where(c => c.State == ChildStates.Pending).ToList())
        {
            if (active >= _parent.Parallelism || _stopped is not null || _cancel || stop.IsCancellationRequested) break;
            var outcome = await _engine.SubmitAsync(new SubmitTask(_parent.Kind, c.Unit, childParameters, IdempotencyKey: BulkTasks.ChildKey(_parent.Id, c.Unit)), owner).ConfigureAwait(false);
            var changed = new List<BulkChildRow> { c };
            if (outcome.Ok)
            {
                c.TaskId = outcome.Value!.Id;
                c.State = ChildStates.Admitted;
                lock (ChildIds) ChildIds.Add(c.TaskId.Value);
                active++;
            }
            else if (outcome.Error!.Kind is StationErrorKind.TooManyTasks or StationErrorKind.StoreUnavailable)
            {
                break; // No slot now: tried again on the next round, like a task waiting for a slot.
            }
            else
            {
                // Refused like any task of the owner's would be (no right on the unit, unknown unit, bad parameters): a failure.
                c.State = TaskStateNames.Failed;
                c.Error = outcome.Error.Message;
                c.EndedAt = StoreTime.Format(_clock.GetUtcNow());
                SpendBudget(changed);
            }
            _store.Save(changed);
        }
    }

    private async Task CancelChildrenAsync(Caller owner)
    {
        var skipped = _children.Where(c => c.State == ChildStates.Pending).ToList();
        foreach (var c in skipped)
        {
            c.State = ChildStates.Skipped;
            c.Error = "the bulk task was cancelled before this child started";
        }
        _store.Save(skipped);
        if (_cancelsSent) return;
        _cancelsSent = true;
        foreach (var c in _children.Where(c => c.State == ChildStates.Admitted).ToList())
            await _engine.CancelAsync(c.TaskId!.Value, owner).ConfigureAwait(false); // One that ended meanwhile answers 409: nothing to do.
    }

    /// <summary>Writes the parent's roll-up when it changed, and its end once no child is pending or in the task list; true when ended.</summary>
    private bool RollUp()
    {
        var summary = Summary(_children, _parent, _stopped);
        bool done = !_children.Any(c => c.Open);
        double progress = summary.Total == 0 ? 1 : (double)summary.Ended / summary.Total;
        string stage = $"{summary.Ended} of {summary.Total} ended; {summary.Active} in the task list, {summary.Failures} failed";
        string result = JsonSerializer.Serialize(summary, BulkRequestCheck.Json);
        if (!done)
        {
            if (result == _lastRollUp) return false;
            _lastRollUp = result;
            _engine.UpdateParent(_parent.Id, TaskState.Running, progress, stage, result, null, null);
            return false;
        }
        var (state, error, kind) = _cancel ? (TaskState.Cancelled, $"cancelled: {summary.Succeeded + summary.Failures} of {summary.Total} children had run", (TaskErrorKind?)TaskErrorKind.Cancelled)
            : _stopped is not null ? (TaskState.Failed, _stopped, TaskErrorKind.Failed)
            : summary.Failures > 0 ? (TaskState.Failed, $"{summary.Failures} of {summary.Total} children failed", TaskErrorKind.Failed)
            : (TaskState.Succeeded, (string?)null, (TaskErrorKind?)null);
        _engine.UpdateParent(_parent.Id, state, 1, stage, result, error, kind);
        _store.MarkEnded(_parent.Id);
        return true;
    }

    public static BulkSummary Summary(IReadOnlyList<BulkChildRow> children, BulkParentRow parent, string? stopped)
    {
        int Count(string s) => children.Count(c => c.State == s);
        return new BulkSummary(parent.Kind, children.Count, Count(ChildStates.Pending), Count(ChildStates.Admitted), Count(TaskStateNames.Succeeded),
            Count(TaskStateNames.Failed), Count(TaskStateNames.Cancelled), Count(TaskStateNames.Interrupted), Count(ChildStates.Skipped),
            (int)parent.Parallelism, parent.Budget is null ? null : (int)parent.Budget, stopped);
    }

    public void Dispose() => _wake.Dispose();
}
