using System.Security.Claims;

namespace Ccdsvm.Station.Core.Security;

public static class PrincipalCaller
{
    /// <summary>
    /// The person behind an authenticated principal as the station resolves them now (groups and roles read from the ACL
    /// at each call, so a grant or revocation takes effect without signing in again); null for none, or for a unit's
    /// own credential. REST, the console and the task hub all use this.
    /// </summary>
    public static Caller? Resolve(ClaimsPrincipal? user, AccessControl access)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (user?.Identity?.IsAuthenticated != true || user.Identity.Name is not { Length: > 0 } name) return null;
        if (user.FindFirst(AgentClaims.Unit) is not null) return null;
        return access.Resolve(name);
    }
}
