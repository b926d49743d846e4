using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
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
        endpoints.MapGet("/healthz", (StoreHealth health) =>
        {
            var (healthy, detail) = health.Check();
            return healthy
                ? Results.Ok(new { status = "healthy", detail })
                : Results.Json(new { status = "unhealthy", detail }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }
}
