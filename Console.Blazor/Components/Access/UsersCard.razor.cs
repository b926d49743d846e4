using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>Users and groups: who is in which group and holds which roles; adding and deleting them.</summary>
public sealed partial class UsersCard : AccessCard
{
    private IReadOnlyList<UserDetails> _users = [];
    private IReadOnlyList<GroupDetails> _groups = [];
    private string? _newUser;
    private string? _newPassword;
    private string? _newGroups;
    private string? _newGroup;

    private string? NewUserError => string.IsNullOrEmpty(_newUser) || Names.IsValid(_newUser) ? null : "letters, digits, '-', '_' or '.' (at most 64)";

    private string? NewPasswordError => string.IsNullOrEmpty(_newPassword) || _newPassword.Length >= UserService.MinPasswordLength
        ? null : $"at least {UserService.MinPasswordLength} characters";

    protected override void Load()
    {
        _users = Admin.Users().Value ?? [];
        _groups = Admin.Groups().Value ?? [];
    }

    private string? _deleting;

    private Task Delete(string username) => Run(() => Admin.DeleteUserAsync(username), $"deleted {username}");

    private string? _locking;

    private Task SetDisabled(string username, bool disabled) =>
        Run(() => Admin.SetDisabledAsync(username, disabled), disabled ? $"locked {username}: their sessions ended, their tokens are refused" : $"unlocked {username}");

    private Task CreateGroup() => Run(() => Admin.CreateGroupAsync(_newGroup!), $"created group {_newGroup}");

    private Task CreateUser()
    {
        var groups = (_newGroups ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Run(() => Admin.CreateUserAsync(_newUser!, _newPassword ?? "", groups, mustChangePassword: true), $"created {_newUser}; they choose a new password at their first sign-in");
    }
}
