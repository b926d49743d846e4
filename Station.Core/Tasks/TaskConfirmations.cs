using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Confirming a change a task applied on probation (net.configure, <c>POST /api/v1/tasks/{id}/confirm</c>): its owner, or
/// someone with <see cref="Privileges.TasksCancelAny"/> on its unit, tells the agent to keep it while the agent waits
/// for the confirmation; the agent answers by ending the task as confirmed. Too late, the agent has rolled back alone.
/// </summary>
public sealed class TaskConfirmations(TaskEngine engine, AccessControl access, IAgentDispatcher agents)
{
    public async Task<Outcome<TaskView>> ConfirmAsync(long taskId, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var seen = engine.Get(taskId, caller);
        if (seen.Value is not { } task) return seen;
        string subject = $"task {taskId} {task.Kind} on {task.Target}";
        if (task.Kind != TaskKinds.NetConfigure)
            return StationError.BadRequest($"task {taskId} is {task.Kind}; only {TaskKinds.NetConfigure} tasks wait for a confirmation");
        if (task.Owner != caller.Name && !access.Allows(caller, ResourcePath.Unit(task.Target), Privileges.TasksCancelAny))
        {
            access.Audit.Write(caller.Name, "task.confirm", subject, Audit.AuditOutcomes.Refused, $"belongs to {task.Owner}; lacks {Privileges.TasksCancelAny}");
            return StationError.Forbidden($"task {taskId} belongs to {task.Owner}; only they or someone with {Privileges.TasksCancelAny} on {ResourcePath.Unit(task.Target)} may confirm it");
        }
        if (task.State != TaskStateNames.Running || task.Stage?.StartsWith(NetConfigure.WaitingStage, StringComparison.Ordinal) != true)
            return StationError.Conflict($"task {taskId} is not waiting for a confirmation (it is {task.State}{(task.Stage is { } s ? ": " + s : "")}); nothing to confirm");
        if (!await agents.ConfirmAsync(task.Target, taskId).ConfigureAwait(false))
            return StationError.Conflict($"unit '{task.Target}' is not connected, so the confirmation cannot reach it; its agent restores the previous network by itself when its timer ends");
        access.Audit.Write(caller.Name, "task.confirm", subject, Audit.AuditOutcomes.Allowed, task.Owner == caller.Name ? null : "owned by " + task.Owner);
        engine.Note(taskId, $"{caller.Name} confirmed the change: keep it");
        return engine.View(taskId) ?? task;
    }
}
