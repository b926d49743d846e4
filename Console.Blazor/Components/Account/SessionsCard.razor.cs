using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Ccdsvm.Station.Core;

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

    /// <summary>"Chrome on Linux" from a User-Agent; what it does not recognise is shown as sent (shortened).</summary>
    public static string DeviceName(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return "unknown";
        bool Has(string part) => userAgent.Contains(part, StringComparison.Ordinal);
        string? browser = Has("Edg/") ? "Edge" : Has("OPR/") ? "Opera" : Has("Firefox/") ? "Firefox"
            : Has("HeadlessChrome/") ? "Headless Chrome" : Has("Chrome/") ? "Chrome" : Has("Safari/") && Has("Version/") ? "Safari" : null;
        string? os = Has("Android") ? "Android" : Has("iPhone") || Has("iPad") ? "iOS" : Has("Windows") ? "Windows"
            : Has("Mac OS X") ? "macOS" : Has("Linux") ? "Linux" : null;
        if (browser is null) return userAgent.Length <= 60 ? userAgent : userAgent[..59] + "…";
        return os is null ? browser : $"{browser} on {os}";
    }
}
