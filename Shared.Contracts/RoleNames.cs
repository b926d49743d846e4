namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// The names of the built-in roles, for every side that names a role without evaluating it (auth.grant's
/// parameters, the CLI, a parent station). What each role grants is decided at the station only.
/// </summary>
public static class RoleNames
{
    public const string Administrator = "Administrator";
    public const string StorageAdmin = "StorageAdmin";
    public const string Operator = "Operator";
    public const string HelpDesk = "HelpDesk";
    public const string Auditor = "Auditor";
    public const string ServiceUser = "ServiceUser";
    public const string NoAccess = "NoAccess";

    public static IReadOnlyList<string> BuiltIn { get; } = [Administrator, StorageAdmin, Operator, HelpDesk, Auditor, ServiceUser, NoAccess];
}
