using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components.Authorization;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The signed-in user of this circuit, resolved against the ACL at every use, so a grant or a revocation
/// reaches an open console at once; <see cref="Changed"/> tells components to re-read what they show.
/// </summary>
public sealed class ConsoleUser(AuthenticationStateProvider authentication, AccessControl access)
{
    private string? _name;

    public Caller Caller => _name is null ? Resolve() : access.Resolve(_name);

    public string Name => Caller.Name;

    /// <summary>Whether the user holds a privilege on a path (the console hides what they may not do; the station still checks).</summary>
    public bool Allows(string path, string privilege) => TryCaller() is { } caller && access.Allows(caller, path, privilege);

    /// <summary>The caller, or null outside a signed-in circuit (error pages rendered with the main layout).</summary>
    public Caller? TryCaller()
    {
        if (_name is not null) return access.Resolve(_name);
        var caller = authentication.GetAuthenticationStateAsync().GetAwaiter().GetResult().User.ToCaller(access);
        _name = caller?.Name;
        return caller;
    }

    /// <summary>Raised (off the renderer) whenever grants or group memberships change.</summary>
    public IDisposable OnAccessChanged(Action handler) => access.Subscribe(_ => handler());

    private Caller Resolve()
    {
        var caller = authentication.GetAuthenticationStateAsync().GetAwaiter().GetResult().User.ToCaller(access)
            ?? throw new InvalidOperationException("the console is used without a signed-in user");
        _name = caller.Name;
        return caller;
    }
}
