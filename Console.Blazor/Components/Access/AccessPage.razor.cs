using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Components.Access;

public partial class AccessPage
{
    private IReadOnlyList<AclEntryView> _acl = [];
    private IReadOnlyList<UserDetails> _users = [];
    private IReadOnlyList<GroupDetails> _groups = [];
    private IDisposable? _subscription;
    private string? _message;
    private bool _failed;
    private bool _busy;
    private string? _grantPath = "/units/";
    private string? _grantSubject;
    private string _grantRole = Roles.HelpDesk.Name;
    private string? _newUser;
    private string? _newPassword;
    private string? _newGroups;
    private string? _newGroup;
    private string? _enrolNote;
    private EnrolmentCreated? _newToken;
    private IReadOnlyList<EnrolmentView> _enrolments = [];
    private IReadOnlyList<UnitView> _units = [];
    private string _stationUrl = "";

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private string? GrantPathError =>
        string.IsNullOrWhiteSpace(_grantPath) || !_grantPath.StartsWith('/') ? "a path starting with /" :
        AdminResources.IsGrantable(_grantPath) ? null :
        "'/', or a path under /units or /station";

    private string? NewUserError => string.IsNullOrEmpty(_newUser) || Names.IsValid(_newUser) ? null : "letters, digits, '-', '_' or '.' (at most 64)";

    private string? NewPasswordError => string.IsNullOrEmpty(_newPassword) || _newPassword.Length >= UserService.MinPasswordLength
        ? null : $"at least {UserService.MinPasswordLength} characters";

    protected override void OnInitialized()
    {
        Load();
        _subscription = Admin.Subscribe(() => InvokeAsync(() => { Load(); StateHasChanged(); }));
    }

    private void Load()
    {
        _stationUrl = Navigation.BaseUri.TrimEnd('/');
        if (Admin.MayEnrol)
        {
            _enrolments = Admin.Enrolments().Value ?? [];
            _units = Admin.Units();
        }
        _acl = Admin.Acl().Value ?? [];
        _users = Admin.Users().Value ?? [];
        _groups = Admin.Groups().Value ?? [];
    }

    private Task Grant() => Run(() => Admin.GrantAsync(_grantPath!.Trim(), _grantSubject!.Trim(), _grantRole), $"granted {_grantRole} on {_grantPath} to {_grantSubject}");

    private Task Revoke(AclEntryView e) => Run(() => Admin.RevokeAsync(e.Path, e.Subject, e.Role), $"revoked {e.Role} on {e.Path} from {e.Subject}");

    private Task Delete(string username) => Run(() => Admin.DeleteUserAsync(username), $"deleted {username}");

    private Task CreateGroup() => Run(() => Admin.CreateGroupAsync(_newGroup!), $"created group {_newGroup}");

    private Task CreateUser()
    {
        var groups = (_newGroups ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Run(() => Admin.CreateUserAsync(_newUser!, _newPassword ?? "", groups, mustChangePassword: true), $"created {_newUser}; they choose a new password at their first sign-in");
    }

    private async Task Run(Func<Task<Outcome<AdminChange>>> change, string done)
    {
        _busy = true;
        try
        {
            var outcome = await change();
            _failed = !outcome.Ok;
            _message = outcome.Ok ? $"{done} (task {outcome.Value!.Task.Id})" : outcome.Error!.Message;
            if (outcome.Ok) Load();
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task CreateToken()
    {
        var created = await Admin.CreateEnrolmentAsync(_enrolNote, null);
        _failed = !created.Ok;
        _newToken = created.Value;
        _message = created.Ok ? $"enrolment token #{created.Value!.Id} created" : created.Error!.Message;
        Load();
    }

    private async Task Revoke(string unit)
    {
        var revoked = await Admin.RevokeUnitAsync(unit);
        _failed = !revoked.Ok;
        _message = revoked.Ok ? $"unit {unit} revoked; {revoked.Value!.ConnectionsClosed} connection(s) closed; it needs a new token to come back" : revoked.Error!.Message;
        Load();
    }

    public void Dispose() => _subscription?.Dispose();
}
