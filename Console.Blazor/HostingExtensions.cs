using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor;

public static class HostingExtensions
{
    /// <summary>Applies migrations, creates the first account and restores the task list before the first request.</summary>
    public static void InitialiseStation(this WebApplication app)
    {
        var users = app.Services.GetRequiredService<UserService>();
        users.EnsureAdmin();
        users.ProtectStoredSecrets();
        _ = app.Services.GetRequiredService<TaskEngine>();
    }

    /// <summary>GET /healthz: 200 when the station is up and its store is writable, 503 otherwise.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // A mid station's uplink is said beside (uplink: off, connecting, connected or refused): a refused or lost uplink
        // leaves this station serving its own users, so it does not make the station unhealthy.
        endpoints.MapGet("/healthz", (StoreHealth health, UplinkStatus uplink) =>
        {
            var (healthy, detail) = health.Check();
            return healthy
                ? Results.Ok(new { status = "healthy", detail, uplink = uplink.State, uplinkDetail = uplink.Describe() })
                : Results.Json(new { status = "unhealthy", detail, uplink = uplink.State, uplinkDetail = uplink.Describe() }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
