using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Administration as tasks, run at the station: users and groups (<see cref="AuthUser"/>), grants on the ACL
/// (<see cref="AuthGrant"/>) and enrolment (<see cref="AuthEnrol"/>). Their lock plans: <c>/station/users/{name}</c>,
/// <c>/station/groups/{name}</c>, <c>/station/acl</c>, <c>/station/enrolments</c> and <c>/station/units/{unit}</c>.
/// </summary>
public static class AuthKinds
{
    public const string Enrolments = "/station/enrolments";

    public static string GroupResource(string name) => $"/station/groups/{name}";

    public static string UnitEnrolment(string unit) => $"/station/units/{unit}";

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(AuthUser.Contract, (_, p) =>
        {
            if (AuthUser.IsGroupAction(p.Action)) return [new LockRequest(GroupResource(p.Group!), LockMode.Exclusive)];
            var user = new LockRequest(ResourcePath.User(p.Username!), LockMode.Exclusive);
            // A new administrator is a grant on the ACL as well; a lock holds the ACL too, so that two locks of
            // administrators at once cannot each leave the other as the last unlocked one.
            return (p.Action == AuthUserAction.Create && p.Admin == true) || (p.Action == AuthUserAction.SetDisabled && p.Disabled == true)
                ? [user, new LockRequest(ResourcePath.Acl, LockMode.Exclusive)] : [user];
        }) with { RunsAtStation = true };

        yield return TaskKindDefinition.From(AuthGrant.Contract, (_, _) => [new LockRequest(ResourcePath.Acl, LockMode.Exclusive)])
            with { RunsAtStation = true };

        yield return TaskKindDefinition.From(AuthEnrol.Contract, (_, p) => p.Action == AuthEnrolAction.Revoke
            ? [new LockRequest(UnitEnrolment(p.Unit!), LockMode.Exclusive)]
            : [new LockRequest(Enrolments, LockMode.Exclusive)]) with { RunsAtStation = true };
    }
}

/// <summary>User and group names, as <see cref="NameRules"/> rules them for station and unit alike.</summary>
public static class Names
{
    public static bool IsValid(string? name) => NameRules.IsValidUser(name);

    public static string? Problem(string? name, string what) => NameRules.UserProblem(name, what);
}
