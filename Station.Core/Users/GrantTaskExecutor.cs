using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Users;

/// <summary>Runs <c>auth.grant</c>: adds or removes a role on a path for a user or group; audited, and live at once.</summary>
public sealed class GrantTaskExecutor(StationDb db, AccessControl access) : IStationExecutor
{
    public string Kind => TaskKinds.AuthGrant;

    public Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken)
    {
        var p = AuthGrant.Contract.ReadValidated(task.Parameters);
        string action = ActionWords.Of(p.Action);
        string path = ResourcePath.Normalize(p.Path);
        string subject = p.Subject;
        string target = $"{subject} on {path}";
        if (p.Action == AuthGrantAction.Grant && access.ValidateGrant(path, subject, p.Role) is { } problem)
        {
            access.Audit.Write(task.Owner.Name, "acl.grant", target, AuditOutcomes.Failed, problem);
            return Task.FromResult<Outcome<string?>>(StationError.BadRequest(problem));
        }
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        int changed;
        if (p.Action == AuthGrantAction.Grant)
        {
            AccessControl.Grant(c, tx, path, subject, p.Role!, task.Owner.Name, access.Now);
            changed = 1;
        }
        else
        {
            changed = AccessControl.Revoke(c, tx, path, subject, p.Role);
            if (changed == 0)
            {
                tx.Rollback();
                var message = $"{subject} holds {(p.Role is null ? "no role" : "no " + p.Role)} on {path}; nothing to revoke";
                access.Audit.Write(task.Owner.Name, "acl.revoke", target, AuditOutcomes.Failed, message);
                return Task.FromResult<Outcome<string?>>(StationError.NotFound(message));
            }
        }
        access.Audit.Write(c, tx, task.Owner.Name, "acl." + action, target, AuditOutcomes.Succeeded, $"{p.Role ?? "all roles"}; task {task.Id}");
        tx.Commit();
        access.Reload($"{action} {p.Role} {target}");
        return Task.FromResult<Outcome<string?>>(AuthGrant.Contract.WriteResult(new AuthGrantResult(p.Action, path, subject, p.Role, changed)));
    }
}
