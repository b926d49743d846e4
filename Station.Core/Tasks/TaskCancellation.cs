using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Cancelling a task on a user's request: who may, and how. A task that has not reached its agent (or runs at
/// the station) ends at once; one its agent runs is asked to stop through the <see cref="OrderDispatcher"/>.
/// </summary>
internal sealed class TaskCancellation
{
    private readonly object _gate;
    private readonly SqliteConnection _db;
    private readonly Dictionary<long, ActiveTask> _active;
    private readonly AccessControl _access;
    private readonly UnitRegistry _units;
    private readonly Dictionary<string, IStationExecutor> _stationExecutors;
    private readonly TaskQueries _queries;
    private readonly TaskAnnouncer _announcer;
    private readonly OrderDispatcher _orders;
    private readonly TaskLifecycle _lifecycle;
    private readonly TimeProvider _time;

    public TaskCancellation(object gate, SqliteConnection db, TaskTable table, AccessControl access, UnitRegistry units,
        Dictionary<string, IStationExecutor> stationExecutors, TaskQueries queries, TaskAnnouncer announcer, OrderDispatcher orders,
        TaskLifecycle lifecycle, TimeProvider time)
    {
        _gate = gate;
        _db = db;
        _active = table.Active;
        _access = access;
        _units = units;
        _stationExecutors = stationExecutors;
        _queries = queries;
        _announcer = announcer;
        _orders = orders;
        _lifecycle = lifecycle;
        _time = time;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Cancels a task: at once when it has not reached its agent, otherwise by asking the agent.</summary>
    public async Task<Outcome<TaskView>> CancelAsync(long taskId, Caller caller)
    {
        string target;
        bool atAgent;
        Audit.AuditEntry cancelled;
        lock (_gate)
        {
            if (!_active.TryGetValue(taskId, out var a))
            {
                var ended = TaskStore.Get(_db, taskId);
                if (ended is null || !_queries.CanSee(caller, ended)) return StationError.NotFound($"task {taskId} does not exist");
                return StationError.Conflict($"task {taskId} has already ended ({ended.State.ToApi()}); nothing to cancel");
            }
            if (a.Row.Owner != caller.Name && !_access.Allows(caller, ResourcePath.Unit(a.Row.Target), Security.Privileges.TasksCancelAny))
            {
                if (!_queries.CanSee(caller, a.Row)) return StationError.NotFound($"task {taskId} does not exist");
                _access.Audit.Write(caller.Name, "task.cancel", $"task {taskId} {a.Row.Kind} on {a.Row.Target}", Audit.AuditOutcomes.Refused, $"belongs to {a.Row.Owner}; lacks {Security.Privileges.TasksCancelAny}");
                return StationError.Forbidden($"task {taskId} belongs to {a.Row.Owner}; only they or someone with {Security.Privileges.TasksCancelAny} on {ResourcePath.Unit(a.Row.Target)} may cancel it");
            }
            target = a.Row.Target;
            // A kind the station runs itself ends here at once; its executor hears the end and stops.
            atAgent = a.Row.State is TaskState.Dispatched or TaskState.Running && !_stationExecutors.ContainsKey(a.Row.Kind) && _units.RouteConnectionOf(target) is not null;
            a.CancelRequested = true;
            TaskStore.Event(_db, null, taskId, Now, "cancelRequested", message: $"{caller.Name} asked to cancel");
            cancelled = _access.Audit.Write(_db, null, caller.Name, "task.cancel", $"task {taskId} {a.Row.Kind} on {a.Row.Target}", Audit.AuditOutcomes.Allowed, a.Row.Owner == caller.Name ? null : "owned by " + a.Row.Owner);
        }
        _access.Audit.Publish(cancelled);
        if (atAgent)
        {
            _orders.Cancel(target, taskId);
            _announcer.Announce(taskId, [$"cancel requested by {caller.Name}"]);
        }
        else
        {
            await _lifecycle.EndAsync(taskId, TaskState.Cancelled, null, $"cancelled by {caller.Name}").ConfigureAwait(false);
        }
        return _queries.View(taskId)!;
    }
}
