using Ccdsvm.Station.Core.Terminals;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// GET /api/v1/terminal/{taskId} as a WebSocket: the bytes of a system.terminal task, for its owner only (cookie or
/// bearer). Binary frames both ways (Shared.Contracts.Kinds.TerminalFrames); the socket closes with the reason the session ended.
/// </summary>
public static class TerminalApi
{
    public static RouteGroupBuilder MapTerminalApi(this RouteGroupBuilder api)
    {
        api.MapGet("/terminal/{id:long}", Connect).WithTags("Tasks")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        // A WebSocket over HTTP/2 (Chromium's when the station offers it) arrives as CONNECT; OpenAPI has no such operation.
        api.MapMethods("/terminal/{id:long}", [HttpMethods.Connect], Connect).ExcludeFromDescription();
        return api;
    }

    private static async Task<IResult> Connect(HttpContext context, TerminalRelay terminals, long id)
    {
        // A browser sends its cookie with a WebSocket from any page: only the console's own pages may open one.
        if (context.Request.Headers.Origin is { Count: > 0 } origin
            && !(Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var from) && string.Equals(from.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            return Problems.From(Station.Core.StationError.Forbidden($"a terminal opens only from the console's own pages, not from {origin}"));
        var caller = context.Caller();
        var link = await terminals.AttachAsync(id, caller, context.RequestAborted);
        if (!link.Ok) return Problems.From(link.Error!);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            link.Value!.Detach();
            return Problems.BadRequest($"open /api/v1/terminal/{id} as a WebSocket (the console's terminal page and `ccdsvm shell` do)");
        }
        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await terminals.RunBrowserAsync(socket, link.Value!, caller.Name, context.RequestAborted);
        }
        finally
        {
            link.Value!.Detach();
        }
        return Results.Empty;
    }
}
