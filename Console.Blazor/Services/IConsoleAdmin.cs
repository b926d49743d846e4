using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Users;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// Users, groups, grants and the audit log for the console's Access and Audit pages, as the signed-in user.
/// Changes run as auth.* tasks in Station.Core; components depend on this interface so bUnit can script it.
/// </summary>
public interface IConsoleAdmin
{
    bool MayManageUsers { get; }
    bool MayManageAcl { get; }
    bool MayViewAudit { get; }

    Outcome<IReadOnlyList<UserDetails>> Users();
    Outcome<IReadOnlyList<GroupDetails>> Groups();
    Outcome<IReadOnlyList<AclEntryView>> Acl();
    Outcome<IReadOnlyList<AuditEntry>> Audit(AuditQuery query);

    Task<Outcome<AdminChange>> CreateUserAsync(string username, string password, IReadOnlyList<string> groups, bool mustChangePassword);
    Task<Outcome<AdminChange>> DeleteUserAsync(string username);
    /// <summary>Locks (<paramref name="disabled"/> true) or unlocks an account (UserAdmin.SetDisabledAsync).</summary>
    Task<Outcome<AdminChange>> SetDisabledAsync(string username, bool disabled);
    Task<Outcome<AdminChange>> CreateGroupAsync(string name);
    Task<Outcome<AdminChange>> GrantAsync(string path, string subject, string role);
    Task<Outcome<AdminChange>> RevokeAsync(string path, string subject, string role);

    bool MayEnrol { get; }
    Outcome<IReadOnlyList<EnrolmentView>> Enrolments();
    Task<Outcome<EnrolmentCreated>> CreateEnrolmentAsync(string? note, int? expiresInMinutes);
    Task<Outcome<UnitRevoked>> RevokeUnitAsync(string unit);

    /// <summary>Raised (off the renderer) when grants, users or groups change, and when audit lines arrive.</summary>
    IDisposable Subscribe(Action handler);
}

public sealed class ConsoleAdmin(ConsoleUser user, UserAdmin admin, AccessControl access, Enrolments enrolments, UnitEnrolment enrolment) : IConsoleAdmin
{
    public bool MayEnrol => Allows(AdminResources.Enrol);
    public Outcome<IReadOnlyList<EnrolmentView>> Enrolments() => enrolments.List(user.Caller);
    public Task<Outcome<EnrolmentCreated>> CreateEnrolmentAsync(string? note, int? expiresInMinutes) => enrolment.CreateTokenAsync(user.Caller, new CreateEnrolment(note, expiresInMinutes));
    public Task<Outcome<UnitRevoked>> RevokeUnitAsync(string unit) => enrolment.RevokeAsync(user.Caller, unit);

    public bool MayManageUsers => Allows(AdminResources.ManageUsers);
    public bool MayManageAcl => Allows(AdminResources.ManageAcl);
    public bool MayViewAudit => Allows(AdminResources.ViewAudit);

    private bool Allows(AdminPrivilege needed) => user.Allows(needed.Resource, needed.Privilege);

    public Outcome<IReadOnlyList<UserDetails>> Users() => admin.Users(user.Caller);
    public Outcome<IReadOnlyList<GroupDetails>> Groups() => admin.Groups(user.Caller);
    public Outcome<IReadOnlyList<AclEntryView>> Acl() => admin.Acl(user.Caller);
    public Outcome<IReadOnlyList<AuditEntry>> Audit(AuditQuery query) => admin.AuditLog(user.Caller, query);

    public Task<Outcome<AdminChange>> CreateUserAsync(string username, string password, IReadOnlyList<string> groups, bool mustChangePassword) =>
        admin.CreateUserAsync(user.Caller, username, password, groups, false, null, mustChangePassword);

    public Task<Outcome<AdminChange>> DeleteUserAsync(string username) => admin.UserChangeAsync(user.Caller, AuthUserAction.Delete, username: username);
    public Task<Outcome<AdminChange>> SetDisabledAsync(string username, bool disabled) => admin.SetDisabledAsync(user.Caller, username, disabled);
    public Task<Outcome<AdminChange>> CreateGroupAsync(string name) => admin.UserChangeAsync(user.Caller, AuthUserAction.CreateGroup, group: name);
    public Task<Outcome<AdminChange>> GrantAsync(string path, string subject, string role) => admin.GrantAsync(user.Caller, path, subject, role);
    public Task<Outcome<AdminChange>> RevokeAsync(string path, string subject, string role) => admin.RevokeAsync(user.Caller, path, subject, role);

    public IDisposable Subscribe(Action handler)
    {
        var a = access.Subscribe(_ => handler());
        var b = access.Audit.Subscribe(_ => handler());
        return new Both(a, b);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
