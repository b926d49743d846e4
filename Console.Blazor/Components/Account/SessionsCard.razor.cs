using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Account;

/// <summary>The caller's console sessions: device, address, started, last seen; revoke one.</summary>
public sealed partial class SessionsCard
{
    private IReadOnlyList<SessionView> _sessions = [];
    private string? _error;

    [Parameter, EditorRequired] public Caller Caller { get; set; } = default!;
    /// <summary>The session this console runs in, marked "this session".</summary>
    [Parameter] public string? SessionId { get; set; }
    [Parameter] public string? Address { get; set; }
    [Inject] private UserService Users { get; set; } = default!;

    protected override void OnParametersSet() => _sessions = Users.ListSessions(Caller, SessionId);

    private void Revoke(SessionView session)
    {
        var outcome = Users.RevokeSession(Caller, session.Id, Address);
        _error = outcome.Error?.Message;
        _sessions = Users.ListSessions(Caller, SessionId);
    }
}
