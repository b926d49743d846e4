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
        var check = users.CheckToken(header["Bearer ".Length..].Trim());
        return Task.FromResult(check.Caller is null
            ? AuthenticateResult.Fail(check.Refusal!)
            : AuthenticateResult.Success(new AuthenticationTicket(check.Caller.ToPrincipal(AuthExtensions.BearerScheme), AuthExtensions.BearerScheme)));
    }

    /// <summary>401 with the reason in problem+json: unknown or expired token, or an account that is locked or disabled.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await Api.Problems.Unauthorized(result.Failure?.Message ?? "send 'Authorization: Bearer <token>' (POST /api/v1/auth/token gives one)").ExecuteAsync(Context);
    }
}
