using System.Text.Json;
using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Api;

public static class ApiExtensions
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>Maps every /api/v1 route group.</summary>
    public static IEndpointRouteBuilder MapStationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/v1");
        api.MapAuthApi();
        var secured = api.MapGroup("").RequireAuthorization(p => p.AddAuthenticationSchemes(AuthExtensions.UserScheme).RequireAuthenticatedUser());
        secured.MapAccountApi();
        secured.MapTokensApi();
        secured.MapSessionsApi();
        secured.MapTasksApi();
        secured.MapUnitsApi();
        secured.MapEnrolmentsApi(api);
        secured.MapLocksApi();
        secured.MapUsersApi();
        secured.MapAclApi();
        secured.MapTransfersApi();
        endpoints.MapDataRelay();
        secured.MapUploadsApi();
        endpoints.MapUploadSource();
        secured.MapMetricsApi();
        return endpoints;
    }

    /// <summary>The caller of an authenticated API request.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.User.ToCaller(context.RequestServices.GetRequiredService<Station.Core.Security.AccessControl>()) ?? throw new InvalidOperationException("endpoint reached without an authenticated user");

    /// <summary>Reads a JSON body with a clear 400 for a missing, oversized or malformed one.</summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(this HttpRequest request)
    {
        if (request.ContentLength is > MaxBodyBytes)
            return (default, Problems.BadRequest($"the request body is larger than {MaxBodyBytes / 1024} KiB"));
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, JsonSerializerOptions.Web, request.HttpContext.RequestAborted);
            return value is null ? (default, Problems.BadRequest("the request body is empty; send a JSON object")) : (value, null);
        }
        catch (JsonException ex)
        {
            return (default, Problems.BadRequest($"the request body is not valid JSON ({ex.Message})"));
        }
    }
}
