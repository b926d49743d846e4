using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>An order ready to send to its unit, or the reason the task fails instead of being sent.</summary>
internal sealed record ReadyOrder(TaskOrder? Order, StationError? Error);

public sealed partial class TaskEngine
{
    /// <summary>
    /// Builds the orders of several granted tasks and signs their tickets with one signature (the tasks of one
    /// group commit, or the waiters one release granted). Kinds the station runs itself get no order (null).
    /// Touches no engine state: it may run on another thread while the batch's sync waits for the disk.
    /// </summary>
    private ReadyOrder?[] SignOrders(List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> tasks)
    {
        var ready = new ReadyOrder?[tasks.Count];
        var tickets = new List<TaskTicket>(tasks.Count);
        var signedFor = new List<(int Index, string Parameters)>(tasks.Count);
        for (int i = 0; i < tasks.Count; i++)
        {
            var (row, plan) = tasks[i];
            if (_stationExecutors.ContainsKey(row.Kind)) continue;
            // Some kinds need more than the user's parameters at dispatch (data.move: the source's data-plane address and a transfer ticket).
            var prepared = _preparer?.Prepare(row.Id, row.Kind, row.Target, row.Parameters) ?? row.Parameters;
            if (!prepared.Ok)
            {
                ready[i] = new ReadyOrder(null, prepared.Error);
                continue;
            }
            tickets.Add(_tickets.Ticket(row.Id, row.Kind, row.Target, row.Owner, plan.Select(r => r.Resource), prepared.Value!));
            signedFor.Add((i, prepared.Value!));
        }
        var signed = _tickets.SignBatch(tickets);
        var now = Now;
        for (int k = 0; k < signed.Length; k++)
        {
            var (i, parameters) = signedFor[k];
            var row = tasks[i].Row;
            ready[i] = new ReadyOrder(new TaskOrder(row.Id, row.Kind, parameters, row.Owner, now, signed[k]), null);
        }
        return ready;
    }

    /// <summary>
    /// Sends one task, on the <see cref="OrderDispatcher"/>'s worker of its unit: station kinds start here, others go
    /// to their unit with the order and ticket prepared by <see cref="SignOrders"/> (built now when none is given); a
    /// unit without a connection fails the task. A task cancelled (or ended) before its turn is not sent.
    /// </summary>
    internal async Task SendNowAsync(TaskRow row, ReadyOrder? ready)
    {
        bool cancelled;
        lock (_gate)
        {
            if (!_active.TryGetValue(row.Id, out var a)) return;
            cancelled = a.CancelRequested;
        }
        if (cancelled)
        {
            await EndAsync(row.Id, TaskState.Cancelled, null, "cancelled before its order was sent").ConfigureAwait(false);
            return;
        }
        if (_stationExecutors.TryGetValue(row.Kind, out var local))
        {
            _ = RunAtStationAsync(local, row);
            return;
        }
        ready ??= SignOrders([(row, _locks.RemainingPlan(row.Id))])[0]!;
        if (ready.Error is { } error)
        {
            await EndAsync(row.Id, TaskState.Failed, null, error.Message, TaskFailures.KindOf(error.Kind)).ConfigureAwait(false);
            return;
        }
        bool sent;
        try { sent = await _dispatcher.RunAsync(row.Target, ready.Order!).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogDispatchFailed(ex, row.Id);
            sent = false;
        }
        if (!sent)
        {
            var since = _units.View(row.Target)?.OfflineSince;
            await EndAsync(row.Id, TaskState.Failed, null, $"unit '{row.Target}' went offline{(since is null ? "" : $" at {since:HH:mm:ss} UTC")} before the task could start", TaskErrorKind.Unavailable).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The views and orders of a batch's granted tasks, built on a pool thread while the batch's WAL sync waits
    /// for the disk. <see cref="Join"/> after the commit takes the result, or does the work itself if no pool
    /// thread has started it (so a saturated pool never leaves the committing thread waiting for a queue).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Join, which every admitted batch calls exactly once, disposes _done after waiting on it.")]
    private sealed class AdmittedWork(TaskEngine engine, List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> tasks, DateTimeOffset grantedAt)
        : IThreadPoolWorkItem
    {
        private int _claimed;
        private readonly ManualResetEventSlim _done = new();
        private TaskView[]? _views;
        private ReadyOrder?[]? _orders;
        private Exception? _failure;

        public List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> Tasks => tasks;

        public void Execute()
        {
            if (Interlocked.Exchange(ref _claimed, 1) != 0) return;
            try
            {
                var views = new TaskView[tasks.Count];
                for (int i = 0; i < views.Length; i++) views[i] = AdmittedView(tasks[i].Row, tasks[i].Plan, grantedAt);
                _views = views;
                _orders = engine.SignOrders(tasks);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException) { _failure = ex; }
            finally { _done.Set(); }
        }

        public (TaskView[] Views, ReadyOrder?[]? Orders) Join()
        {
            Execute();
            _done.Wait();
            _done.Dispose();
            // Signing failed (it should not): every order is built again, one by one, at its dispatch.
            if (_orders is null && _views is null) throw _failure!;
            return (_views!, _failure is null ? _orders : null);
        }
    }
}
