using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Components.Account;

/// <summary>
/// The signed-in person's own account: password, one-time codes, named API tokens, console sessions. Where a user with a
/// generated password or a required code lands, and the only page they can use until that is done.
/// </summary>
public sealed partial class AccountPage
{
    private Caller? _caller;
    private AccountStep _step;
    private string? _address, _session;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] private UserService Users { get; set; } = default!;
    [Inject] private AccessControl Access { get; set; } = default!;
    [Inject] private IServiceProvider Services { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is null) return;
        var user = (await AuthenticationState).User;
        _caller = user.ToCaller(Access);
        _session = user.SessionId();
        // The circuit's connection, where there is one: best effort, for the audit log's "from where".
        _address = Services.GetService<IHttpContextAccessor>()?.HttpContext?.ClientAddress();
        Reload();
    }

    private void Reload()
    {
        if (_caller is not null) _step = Users.PendingStep(_caller.Name);
    }
}
