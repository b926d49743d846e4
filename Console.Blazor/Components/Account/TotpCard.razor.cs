using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Components.Account;

/// <summary>
/// TOTP set-up: a new key shown as a QR code and as text, turned on only once a current code from the
/// app matches; then the recovery codes, shown this once. Turning it off takes a current code.
/// </summary>
public sealed partial class TotpCard
{
    private enum Stage { Off, Enrolling, ShowCodes, On }

    private Stage _stage;
    private TotpStatus _status = new(false, false, 0);
    private TotpEnrolment? _enrolment;
    private string? _qr, _code, _error;
    private IReadOnlyList<string> _recoveryCodes = [];

    [Parameter, EditorRequired] public Caller Caller { get; set; } = default!;
    [Parameter] public string? Address { get; set; }
    [Parameter] public EventCallback Changed { get; set; }
    [Inject] private UserService Users { get; set; } = default!;

    protected override void OnInitialized() => Refresh();

    private void Refresh()
    {
        _status = Users.TotpStatusOf(Caller);
        _stage = _status.Enabled ? Stage.On : Stage.Off;
        _code = null;
    }

    private void Begin()
    {
        var outcome = Users.BeginTotp(Caller);
        _error = outcome.Error?.Message;
        if (!outcome.Ok) return;
        _enrolment = outcome.Value!;
        _qr = QrCodes.PngDataUri(_enrolment.KeyUri);
        _stage = Stage.Enrolling;
    }

    private void Cancel()
    {
        _enrolment = null;
        _error = null;
        Refresh();
    }

    private async Task Confirm()
    {
        var outcome = Users.ConfirmTotp(Caller, _code, Address);
        _error = outcome.Error?.Message;
        if (!outcome.Ok) return;
        _recoveryCodes = outcome.Value!;
        _enrolment = null;
        _qr = null;
        _code = null;
        _stage = Stage.ShowCodes;
        await Changed.InvokeAsync();
    }

    private void Saved()
    {
        _recoveryCodes = [];
        Refresh();
    }

    private async Task Disable()
    {
        var outcome = Users.DisableTotp(Caller, _code, Address);
        _error = outcome.Error?.Message;
        if (!outcome.Ok) return;
        Refresh();
        await Changed.InvokeAsync();
    }

    /// <summary>The key in groups of four, as authenticator apps show it.</summary>
    private static string Grouped(string secret) => string.Join(' ', secret.Chunk(4).Select(c => new string(c)));
}
