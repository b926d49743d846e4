using System.Text.Json;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Users;

/// <summary>Runs <c>auth.grant</c>: adds or removes a role on a path for a user or group; audited, and live at once.</summary>
public sealed class GrantTaskExecutor(StationDb db, AccessControl access) : IStationExecutor
{
    public string Kind => AuthKinds.Grant;

    public Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = task.Parameters;
        string action = p.GetProperty("action").GetString()!;
        string path = ResourcePath.Normalize(p.GetProperty("path").GetString()!);
        string subject = p.GetProperty("subject").GetString()!;
        string? role = p.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        string target = $"{subject} on {path}";
        if (action == "grant" && access.ValidateGrant(path, subject, role) is { } problem)
        {
            access.Audit.Write(task.Owner.Name, "acl.grant", target, AuditOutcomes.Failed, problem);
            return Task.FromResult<Outcome<string?>>(StationError.BadRequest(problem));
        }
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        int changed;
        if (action == "grant")
        {
            AccessControl.Grant(c, tx, path, subject, role!, task.Owner.Name, access.Now);
            changed = 1;
        }
        else
        {
            changed = AccessControl.Revoke(c, tx, path, subject, role);
            if (changed == 0)
            {
                tx.Rollback();
                var message = $"{subject} holds {(role is null ? "no role" : "no " + role)} on {path}; nothing to revoke";
                access.Audit.Write(task.Owner.Name, "acl.revoke", target, AuditOutcomes.Failed, message);
                return Task.FromResult<Outcome<string?>>(StationError.NotFound(message));
            }
        }
        access.Audit.Write(c, tx, task.Owner.Name, "acl." + action, target, AuditOutcomes.Succeeded, $"{role ?? "all roles"}; task {task.Id}");
        tx.Commit();
        access.Reload($"{action} {role} {target}");
        return Task.FromResult<Outcome<string?>>(JsonSerializer.Serialize(new { action, path, subject, role, changed }, JsonSerializerOptions.Web));
    }
}
