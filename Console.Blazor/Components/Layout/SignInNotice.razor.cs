using System.Globalization;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;

namespace Ccdsvm.Console.Blazor.Components.Layout;

/// <summary>
/// "2 failed sign-ins since 5 Dec 14:02 UTC": shown after a sign-in that followed failed attempts on the account
/// (Station.Core reads them from the audit); closing it remembers that sign-in in this browser's storage.
/// </summary>
public sealed partial class SignInNotice : ComponentBase
{
    /// <summary>The localStorage key holding the audit id of the last sign-in whose notice was closed.</summary>
    public const string SeenKey = "ccdsvm.signin-notice-seen";

    private FailedSignIns? _notice;
    private bool _show;

    [Inject] private UserService Users { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var state = await Authentication.GetAuthenticationStateAsync();
        if (state.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }) _notice = Users.FailedSignInsBeforeLatest(name);
    }

    /// <summary>Browser storage is only there once the circuit runs: the notice appears then, unless this sign-in's was closed.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || _notice is null) return;
        string? seen = await JS.InvokeAsync<string?>("localStorage.getItem", SeenKey);
        _show = seen != _notice.SignInId.ToString(CultureInfo.InvariantCulture);
        if (_show) StateHasChanged();
    }

    private async Task DismissAsync()
    {
        _show = false;
        if (_notice is { } n) await JS.InvokeVoidAsync("localStorage.setItem", SeenKey, n.SignInId.ToString(CultureInfo.InvariantCulture));
    }

    internal static string Text(FailedSignIns n)
    {
        string attempts = n.Count == 1 ? "1 failed sign-in" : $"{n.Count} failed sign-ins";
        string since = n.Since is { } s ? $"since your last sign-in on {When(s)}" : "before this first sign-in";
        string from = n.LastAddress is { Length: > 0 } a ? $" from {a}" : "";
        return $"{attempts} {since}; the last at {When(n.LastAt)}{from}. If that was not you, change your password on the Account page.";
    }

    private static string When(DateTimeOffset t) => t.UtcDateTime.ToString("d MMM HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
