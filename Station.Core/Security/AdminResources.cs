namespace Ccdsvm.Station.Core.Security;

/// <summary>
/// The station's administration resources and the privilege each needs, written once for the services that
/// check them and the console that offers what they allow; and which paths a grant may name.
/// </summary>
public static class AdminResources
{
    /// <summary>Every unit: enrolling a unit needs <see cref="Privileges.UnitsEnrol"/> here.</summary>
    public const string Units = "/units";

    public const string Station = "/station";
    public const string Users = "/station/users";
    public const string Acl = ResourcePath.Acl;
    public const string Audit = "/station/audit";

    public static readonly AdminPrivilege Enrol = new(Units, Privileges.UnitsEnrol);
    public static readonly AdminPrivilege ManageUsers = new(Users, Privileges.UsersManage);
    public static readonly AdminPrivilege ManageAcl = new(Acl, Privileges.AclManage);
    public static readonly AdminPrivilege ViewAudit = new(Audit, Privileges.AuditView);

    /// <summary>True for the paths a grant may name: "/" or one under /units or /station (in normal form).</summary>
    public static bool IsGrantable(string path) =>
        path == "/" || path.StartsWith(Units, StringComparison.Ordinal) || path.StartsWith(Station, StringComparison.Ordinal);
}

/// <summary>A privilege on one resource: what a caller needs for one part of administration.</summary>
public sealed record AdminPrivilege(string Resource, string Privilege);
