using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Components.Account;

/// <summary>Changing one's own password (which also ends a "change your password first" step).</summary>
public sealed partial class PasswordCard
{
    private string? _current, _new, _repeat, _error;
    private bool _changed;

    [Parameter, EditorRequired] public Caller Caller { get; set; } = default!;
    [Parameter] public string? Address { get; set; }
    /// <summary>The console session making the change: it stays signed in, every other session ends.</summary>
    [Parameter] public string? SessionId { get; set; }
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private UserService Users { get; set; } = default!;

    private async Task Change()
    {
        _changed = false;
        if (_new != _repeat)
        {
            _error = "The two new passwords differ.";
            return;
        }
        var outcome = Users.ChangePassword(Caller, _current, _new, Address, currentSession: SessionId);
        _error = outcome.Ok ? null : outcome.Error!.Message;
        if (!outcome.Ok) return;
        _changed = true;
        _current = _new = _repeat = null;
        await Changed.InvokeAsync();
    }
}
