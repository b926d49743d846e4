using Ccdsvm.Console.Blazor.Auth;

namespace Ccdsvm.Console.Blazor.Tls;

/// <summary>What a person needs to trust the station: its CA certificate to import, and the fingerprint agents pin.</summary>
public sealed record StationTlsInfo(bool Https, bool InsecureHttp, bool OperatorCertificate, string? Fingerprint, IReadOnlyList<string> ServedChain);

public static class TlsEndpoints
{
    public const string CaCertificatePath = "/ca.crt";

    /// <summary>GET /ca.crt (anyone: a browser imports it before signing in) and GET /api/v1/station/tls (signed in).</summary>
    public static IEndpointRouteBuilder MapStationTls(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(CaCertificatePath, (StationTlsState state) => Results.Text(state.CaPem ?? "", "application/x-pem-file"))
            .AllowAnonymous().ExcludeFromDescription();
        endpoints.MapGet("/api/v1/station/tls", (StationTlsState state) =>
                Results.Ok(new StationTlsInfo(state.Https, state.InsecureHttp, state.OperatorCertificate, state.Fingerprint, state.ServedChain)))
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AuthExtensions.UserScheme).RequireAuthenticatedUser())
            .WithTags("Station");
        return endpoints;
    }
}
