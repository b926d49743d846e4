using System.Security.Claims;
using System.Text.Encodings.Web;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Authenticates agents on the hub by their unit name and the unit's own credential (from enrolment).
/// Unknown units, wrong credentials and revoked units are refused with 401 before any hub call, and audited.
/// (The name stays from the shared agent key this replaced; the console's auth code refers to it.)
/// </summary>
public sealed class AgentKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    UnitCredentials credentials) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "UnitCredential";
    public const string UnitClaim = Security.AgentClaims.Unit;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? credential = Request.Headers[HubPaths.AgentCredentialHeader];
        string? name = Request.Headers[HubPaths.AgentNameHeader];
        if (string.IsNullOrEmpty(credential) || string.IsNullOrEmpty(name))
            return Task.FromResult(AuthenticateResult.Fail($"agents present {HubPaths.AgentNameHeader} and {HubPaths.AgentCredentialHeader}"));
        if (UnitSecrets.NameProblem(name) is { } problem)
            return Task.FromResult(AuthenticateResult.Fail(problem));
        var check = credentials.Check(name, credential);
        string? refusal = check switch
        {
            CredentialCheck.Valid => null,
            CredentialCheck.UnknownUnit => "the unit is not enrolled; enrol it with a token (Unit.Agent --enrol <token>)",
            CredentialCheck.Wrong => "wrong credential for this unit",
            CredentialCheck.Revoked => "the unit was revoked; enrol it again with a new token",
            _ => "refused",
        };
        if (refusal is not null)
        {
            credentials.RecordRefusal(name, check, refusal, Context.Connection.RemoteIpAddress?.ToString());
            return Task.FromResult(AuthenticateResult.Fail(refusal));
        }
        var identity = new ClaimsIdentity([new Claim(UnitClaim, name), new Claim(ClaimTypes.Name, "unit:" + name)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
