using System.Text.Encodings.Web;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Console.Blazor.Auth;

/// <summary>Validates <c>Authorization: Bearer &lt;token&gt;</c> against the tokens UserService issued.</summary>
public sealed class BearerTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UserService users) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var caller = users.ValidateToken(header["Bearer ".Length..].Trim());
        return Task.FromResult(caller is null
            ? AuthenticateResult.Fail("the token is unknown or expired; get a new one from POST /api/v1/auth/token")
            : AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(AuthExtensions.BearerScheme), AuthExtensions.BearerScheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
