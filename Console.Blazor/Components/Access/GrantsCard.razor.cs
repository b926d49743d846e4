using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>The grants (role on a path for a user or group), and granting and revoking them.</summary>
public sealed partial class GrantsCard : AccessCard
{
    private IReadOnlyList<AclEntryView> _acl = [];
    private string? _grantPath = "/units/";
    private string? _grantSubject;
    private string _grantRole = Roles.HelpDesk.Name;

    private string? GrantPathError =>
        string.IsNullOrWhiteSpace(_grantPath) || !_grantPath.StartsWith('/') ? "a path starting with /" :
        AdminResources.IsGrantable(_grantPath) ? null :
        "'/', or a path under /units or /station";

    protected override void Load() => _acl = Admin.Acl().Value ?? [];

    private async Task Grant()
    {
        _undo = null;
        await Run(() => Admin.GrantAsync(_grantPath!.Trim(), _grantSubject!.Trim(), _grantRole), $"granted {_grantRole} on {_grantPath} to {_grantSubject}");
    }

    private AclEntryView? _revoking;

    /// <summary>The grant last revoked here, offered back ("Undo") until something else is done on the card.</summary>
    private AclEntryView? _undo;

    private async Task Revoke(AclEntryView e)
    {
        _revoking = null;
        _undo = null;
        if (await TryRun(() => Admin.RevokeAsync(e.Path, e.Subject, e.Role), $"revoked {e.Role} on {e.Path} from {e.Subject}")) _undo = e;
    }

    /// <summary>Grants the revoked grant again: the same role on the same path to the same user or group.</summary>
    private async Task UndoRevoke()
    {
        if (_undo is not { } e) return;
        _undo = null;
        await Run(() => Admin.GrantAsync(e.Path, e.Subject, e.Role), $"granted {e.Role} on {e.Path} to {e.Subject} again");
    }
}
