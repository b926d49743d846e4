using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Security;

/// <summary>Privilege names. Task kinds are privileges of their own: <c>Task.&lt;kind&gt;</c>.</summary>
public static class Privileges
{
    public const string UnitsView = "Units.View";
    public const string UnitsMonitor = "Units.Monitor";
    public const string UsersManage = Shared.Contracts.Kinds.AuthUser.ManagePrivilege;
    public const string AclManage = Shared.Contracts.Kinds.AuthGrant.ManagePrivilege;
    public const string TasksViewAll = "Tasks.ViewAll";
    public const string TasksCancelAny = "Tasks.CancelAny";
    public const string AuditView = "Audit.View";
    public const string UnitsEnrol = Shared.Contracts.Kinds.AuthEnrol.EnrolPrivilege;
    public const string FilesDownload = "Files.Download";
    public const string FilesUpload = "Files.Upload";
    public const string ServicesUse = "Services.Use";

    public static string ForKind(string kind) => "Task." + kind;

    public static readonly IReadOnlyList<string> General =
        [UnitsView, UnitsMonitor, UsersManage, AclManage, TasksViewAll, TasksCancelAny, AuditView, UnitsEnrol, FilesDownload, FilesUpload, ServicesUse];
}

/// <summary>A named set of privileges. A privilege ending in ".*" covers every privilege with that prefix.</summary>
public sealed record Role(string Name, string Description, IReadOnlyList<string> Grants)
{
    public bool Allows(string privilege) => Grants.Any(g =>
        g == "*" || g == privilege || (g.EndsWith(".*", StringComparison.Ordinal) && privilege.StartsWith(g[..^1], StringComparison.Ordinal)));
}

/// <summary>The built-in roles, modelled on the best-known virtualisation managers.</summary>
public static class Roles
{
    public const string NoAccessName = RoleNames.NoAccess;

    public static readonly Role Administrator = new(RoleNames.Administrator, "everything, everywhere", ["*"]);

    public static readonly Role StorageAdmin = new(RoleNames.StorageAdmin, "all storage, file and data work on the units, and watching them",
        [Privileges.UnitsView, Privileges.UnitsMonitor, "Task.storage.*", "Task.fs.*", "Task.data.*", "Task.maintenance.*", "Task.net.inventory", "Files.*"]);

    public static readonly Role Operator = new(RoleNames.Operator, "file and data work, maintenance holds and process control; no disk changes",
        [Privileges.UnitsView, Privileges.UnitsMonitor, "Task.fs.*", "Task.data.*", "Task.maintenance.*", "Task.system.process.*", "Task.storage.inventory", "Task.net.inventory", "Files.*"]);

    public static readonly Role HelpDesk = new(RoleNames.HelpDesk, "view, monitor, read-only file work, cancel own tasks",
        [Privileges.UnitsView, Privileges.UnitsMonitor, "Task.fs.list", "Task.fs.stat", "Task.fs.checksum", "Task.storage.inventory", "Task.net.inventory", Privileges.FilesDownload]);

    public static readonly Role Auditor = new(RoleNames.Auditor, "view everything, change nothing",
        [Privileges.UnitsView, Privileges.UnitsMonitor, Privileges.TasksViewAll, Privileges.AuditView]);

    /// <summary>For clients of a unit's published services: grant it on /units/{unit}/services/{name}.</summary>
    public static readonly Role ServiceUser = new(RoleNames.ServiceUser, "download from the services a unit publishes, nothing else",
        [Privileges.UnitsView, Privileges.ServicesUse]);

    /// <summary>Grants nothing and cancels what would be inherited from above.</summary>
    public static readonly Role NoAccess = new(NoAccessName, "no access; cancels inherited grants", []);

    public static readonly IReadOnlyList<Role> BuiltIn = [Administrator, StorageAdmin, Operator, HelpDesk, Auditor, ServiceUser, NoAccess];

    public static Role? Find(string name) => BuiltIn.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
