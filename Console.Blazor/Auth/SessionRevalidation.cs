using System.Security.Claims;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Ccdsvm.Console.Blazor.Auth;

/// <summary>
/// An open console (a Blazor circuit) checks its session in the store every <see cref="Interval"/>: once the
/// session has ended (revoked, password changed elsewhere, account reset, deleted, disabled or locked) the
/// circuit becomes anonymous and the router sends the browser to the sign-in page.
/// </summary>
public sealed class SessionRevalidation(ILoggerFactory loggerFactory, UserService users) : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(StillValid(authenticationState.User));

    /// <summary>Whether the principal's console session still stands (a principal without one, e.g. from a bearer token, does not).</summary>
    public bool StillValid(ClaimsPrincipal user) => users.ValidateSession(user.SessionId()).Caller?.Name == user.Identity?.Name;
}
