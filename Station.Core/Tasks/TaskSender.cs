using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Telemetry;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>An order ready to send to its unit, or the reason the task fails instead of being sent.</summary>
internal sealed record ReadyOrder(TaskOrder? Order, StationError? Error);

/// <summary>
/// Sends granted tasks, on the <see cref="OrderDispatcher"/>'s workers: builds their orders and signs their
/// tickets (several with one signature), runs the kinds the station runs itself, and fails a task whose unit is
/// gone. Takes the write gate only to read the task table; every end goes through the <see cref="TaskLifecycle"/>.
/// </summary>
internal sealed class TaskSender
{
    private readonly object _gate;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly LockManager _locks;
    private readonly TaskKindCatalog _catalog;
    private readonly IAgentDispatcher _agents;
    private readonly UnitRegistry _units;
    private readonly UnitTickets _tickets;
    private readonly AccessControl _access;
    private readonly IOrderPreparer? _preparer;
    private readonly Dictionary<string, IStationExecutor> _stationExecutors;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private TaskLifecycle _lifecycle = null!;

    public TaskSender(object gate, TaskTable table, LockManager locks, TaskKindCatalog catalog, IAgentDispatcher agents, UnitRegistry units, UnitTickets tickets,
        AccessControl access, IOrderPreparer? preparer, Dictionary<string, IStationExecutor> stationExecutors, TimeProvider time, ILogger logger)
    {
        _gate = gate;
        _active = table.Active;
        _locks = locks;
        _catalog = catalog;
        _agents = agents;
        _units = units;
        _tickets = tickets;
        _access = access;
        _preparer = preparer;
        _stationExecutors = stationExecutors;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The lifecycle that ends a task whose send failed and hears a station-run kind's reports. Set once while the
    /// engine is wired, before anything is sent: the lifecycle queues its grants to the dispatcher that calls here.
    /// </summary>
    public void Attach(TaskLifecycle lifecycle) => _lifecycle = lifecycle;

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The orders of granted tasks that are still active, signed together (on the dispatcher's signing worker).</summary>
    public IEnumerable<(TaskRow Row, ReadyOrder? Order)> SignGranted(IReadOnlyList<long> taskIds)
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

    /// <summary>
    /// Builds the orders of several granted tasks and signs their tickets with one signature (the tasks of one
    /// group commit, or the waiters one release granted). Kinds the station runs itself get no order (null).
    /// Touches no engine state: it may run on another thread while the batch's sync waits for the disk.
    /// </summary>
    /// <param name="tasks">The granted tasks with the plans they hold.</param>
    /// <param name="wholePlans">For each task, when known, the whole plan's canonical resources (admission's check worked them out).</param>
    public ReadyOrder?[] SignOrders(List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> tasks, IReadOnlyList<IReadOnlyList<string>?>? wholePlans = null)
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
            tickets.Add(_tickets.Ticket(row.Id, row.Kind, row.Target, row.Owner, TicketResources(row, plan, wholePlans?[i]), prepared.Value!));
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
    /// What the ticket names: every resource of the task's plan, not only the locks it still holds. An order sent again
    /// after a staged release (the station restarted before the unit's receipt) carries the same parameters, and the
    /// unit checks that the ticket names each of their paths before it answers the repeat from its record; a ticket of
    /// the remaining locks alone was refused (station-kill loop, seed 661548329).
    /// </summary>
    private IEnumerable<string> TicketResources(TaskRow row, IReadOnlyList<LockRequest> remaining, IReadOnlyList<string>? wholePlan)
    {
        var names = remaining.Select(r => r.Resource);
        // The same union, without parsing the parameters again for a plan the check already made.
        if (wholePlan is not null) return names.Union(wholePlan, StringComparer.Ordinal).ToList();
        if (!_catalog.TryGet(row.Kind, out var definition)) return names;
        try
        {
            using var parameters = System.Text.Json.JsonDocument.Parse(row.Parameters);
            return names.Union(definition.LockPlan(row.Target, parameters.RootElement).Select(r => ResourcePath.Normalize(r.Resource)), StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return names;
        }
    }

    /// <summary>
    /// Sends one task, on the <see cref="OrderDispatcher"/>'s worker of its unit: station kinds start here, others go
    /// to their unit with the order and ticket prepared by <see cref="SignOrders"/> (built now when none is given); a
    /// unit without a connection fails the task. A task cancelled (or ended) before its turn is not sent.
    /// </summary>
    public async Task SendNowAsync(TaskRow row, ReadyOrder? ready)
    {
        // Everything logged about this send names the task and its unit; the span is a child of the task's admission.
        using var scope = _logger.BeginTaskScope(row.Id, row.Target);
        using var dispatch = StationTelemetry.StartTask("task.dispatch", row.SpanSubject, ActivityKind.Producer);
        bool cancelled;
        lock (_gate)
        {
            if (!_active.TryGetValue(row.Id, out var a)) return;
            cancelled = a.CancelRequested;
        }
        if (cancelled)
        {
            await _lifecycle.EndAsync(row.Id, TaskState.Cancelled, null, "cancelled before its order was sent").ConfigureAwait(false);
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
            await _lifecycle.EndAsync(row.Id, TaskState.Failed, null, error.Message, TaskFailures.KindOf(error.Kind)).ConfigureAwait(false);
            return;
        }
        // The agent's run of the task becomes a child of this dispatch.
        var order = StationTelemetry.TraceParentOf(dispatch) is { } traceParent ? ready.Order! with { TraceParent = traceParent } : ready.Order!;
        bool sent;
        try { sent = await _agents.RunAsync(row.Target, order).ConfigureAwait(false); }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TaskLog.LogDispatchFailed(_logger, ex, row.Id);
            sent = false;
        }
        if (!sent)
        {
            dispatch?.SetStatus(ActivityStatusCode.Error, "unit offline");
            var since = _units.View(row.Target)?.OfflineSince;
            await _lifecycle.EndAsync(row.Id, TaskState.Failed, null, $"unit '{row.Target}' went offline{(since is null ? "" : $" at {since:HH:mm:ss} UTC")} before the task could start", TaskErrorKind.Unavailable).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a station-run kind (administration) on the thread pool with its locks held, reporting like an
    /// agent would: started, then one result. Its owner is resolved again now, so a revoked right stops it.
    /// </summary>
    private async Task RunAtStationAsync(IStationExecutor executor, TaskRow row)
    {
        await Task.Yield();
        using var scope = _logger.BeginTaskScope(row.Id, row.Target);
        using var run = StationTelemetry.StartTask("task.run " + row.Kind, row.SpanSubject);
        _lifecycle.OnStarted(row.Target, new TaskStarted(row.Id, false, Now));
        TaskResult result;
        try
        {
            using var parameters = JsonDocument.Parse(row.Parameters);
            var task = new StationTask(row.Id, row.Kind, _access.Resolve(row.Owner), parameters.RootElement.Clone())
            {
                Progress = (fraction, stage) => _lifecycle.OnProgress(row.Target, new TaskProgress(row.Id, 0, fraction, stage, 0, (int)row.StageCount, [], Now)),
            };
            var outcome = await executor.RunAsync(task, CancellationToken.None).ConfigureAwait(false);
            result = outcome.Ok
                ? new TaskResult(row.Id, TaskOutcome.Succeeded, outcome.Value, null, Now)
                : new TaskResult(row.Id, TaskOutcome.Failed, null, outcome.Error!.Message, Now, TaskFailures.KindOf(outcome.Error.Kind));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            TaskLog.LogDispatchFailed(_logger, ex, row.Id);
            result = new TaskResult(row.Id, TaskOutcome.Failed, null, $"the station failed to run {row.Kind}: {ex.Message}", Now, TaskErrorKind.Failed);
        }
        await _lifecycle.OnResultAsync(row.Target, result).ConfigureAwait(false);
    }
}
