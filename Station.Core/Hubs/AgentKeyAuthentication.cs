using System.Security.Claims;
using System.Text.Encodings.Web;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>Authenticates agents on the hub by the shared agent key; a wrong key is refused with 401 before any hub call.</summary>
public sealed class AgentKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    StationSecrets secrets) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AgentKey";
    public const string UnitClaim = "ccdsvm:unit";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[HubPaths.AgentKeyHeader];
        string? name = Request.Headers[HubPaths.AgentNameHeader];
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(name))
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!secrets.IsValidAgentKey(key))
            return Task.FromResult(AuthenticateResult.Fail("wrong agent key"));
        if (name.Length > 63 || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            return Task.FromResult(AuthenticateResult.Fail("unit name must be lower-case letters, digits and dashes"));
        var identity = new ClaimsIdentity([new Claim(UnitClaim, name), new Claim(ClaimTypes.Name, "unit:" + name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
