using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Serialization;
using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Hosting;

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
        secured.MapTerminalApi();
        secured.MapSchedulesApi();
        secured.MapNotificationsApi();
        secured.MapNotificationTargetsApi();
        secured.MapUnitsApi();
        secured.MapNetworkApi();
        secured.MapEnrolmentsApi(api);
        secured.MapLocksApi();
        secured.MapUsersApi();
        secured.MapAclApi();
        secured.MapTransfersApi();
        endpoints.MapDataRelay();
        secured.MapUploadsApi();
        endpoints.MapUploadSource();
        secured.MapMetricsApi();
        secured.MapBackupApi();
        // Live task changes for the CLI, with the same bearer API token as REST.
        endpoints.MapTaskHub().RequireAuthorization(p => p.AddAuthenticationSchemes(AuthExtensions.BearerScheme).RequireAuthenticatedUser());
        return endpoints;
    }

    /// <summary>The caller of an authenticated API request.</summary>
    public static Caller Caller(this HttpContext context) =>
        context.User.ToCaller(context.RequestServices.GetRequiredService<Station.Core.Security.AccessControl>()) ?? throw new InvalidOperationException("endpoint reached without an authenticated user");

    /// <summary>
    /// How request bodies are read: web defaults (camelCase, case-insensitive), and a member the type does not
    /// have is an error, so a script that misspells <c>expiresInMinutes</c> hears it instead of getting the default.
    /// </summary>
    public static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerOptions.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// Reads a JSON body: 415 unless it is sent as <c>application/json</c>, 400 with a clear message for a missing,
    /// oversized or malformed one, or one with members the call does not take (named, with those it does take).
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadJsonAsync<T>(this HttpRequest request)
    {
        if (request.ContentLength is > MaxBodyBytes)
            return (default, Problems.BadRequest($"the request body is larger than {MaxBodyBytes / 1024} KiB"));
        if (!request.HasJsonContentType())
            return (default, Problems.UnsupportedMediaType(request.ContentType));
        var bytes = await ReadBoundedAsync(request.Body, request.HttpContext.RequestAborted);
        if (bytes is null)
            return (default, Problems.BadRequest($"the request body is larger than {MaxBodyBytes / 1024} KiB"));
        if (!Utf8.IsValid(bytes))
            return (default, Problems.BadRequest("the request body is not valid UTF-8; send JSON text encoded as UTF-8"));
        try
        {
            if (UnreadableString(bytes) is { } where)
                return (default, Problems.BadRequest($"the request body has a string that is not valid Unicode (a lone surrogate such as \\ud800) at {where}"));
            var value = JsonSerializer.Deserialize<T>(bytes, BodyOptions);
            return value is null ? (default, Problems.BadRequest("the request body is empty; send a JSON object")) : (value, null);
        }
        catch (JsonException ex) when (UnknownMember(ex) is { } member)
        {
            var known = BodyOptions.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name);
            return (default, Problems.BadRequest($"the request body has a member this call does not take: '{member}'; it takes: {string.Join(", ", known)}"));
        }
        catch (JsonException ex)
        {
            return (default, Problems.BadRequest($"the request body is not valid JSON ({ex.Message})"));
        }
    }

    /// <summary>The body's bytes, or null when it is longer than <see cref="MaxBodyBytes"/> (a body sent without a length too).</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Where the JSON has a string or member name that cannot be read as text (an escaped lone surrogate such as
    /// <c>"\ud800"</c>), or null. Members typed as <see cref="JsonElement"/> are read lazily, so without this check
    /// such a string would fail deep inside a service instead of here. Malformed JSON throws <see cref="JsonException"/>.
    /// </summary>
    private static string? UnreadableString(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
            try { _ = reader.GetString(); }
            catch (InvalidOperationException) { return $"byte {reader.TokenStartIndex}"; }
        }
        return null;
    }

    /// <summary>The member System.Text.Json could not map (its path such as <c>$.colour</c>), or null for other errors.</summary>
    private static string? UnknownMember(JsonException ex) =>
        ex.Message.Contains("could not be mapped", StringComparison.Ordinal) && ex.Path is { Length: > 2 } path ? path[2..] : null;
}
