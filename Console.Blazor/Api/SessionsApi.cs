using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/auth/sessions: the signed-in user's console sessions, and ending one of them.</summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder secured)
    {
        var sessions = secured.MapGroup("/auth/sessions").WithTags("Auth");
        sessions.MapGet("", (HttpContext context, UserService users) => Results.Ok(users.ListSessions(context.Caller(), context.User.SessionId())))
            .WithDescription("Your console sessions (browsers signed in with the cookie): device, address, startedAt, lastSeenAt; "
                + "'current' marks the one asking. Bearer sign-in tokens are not listed.")
            .Produces<IReadOnlyList<SessionView>>();

        sessions.MapDelete("/{id}", (string id, HttpContext context, UserService users) =>
            Problems.Map(users.RevokeSession(context.Caller(), id, context.ClientAddress()), _ => Results.NoContent()))
            .WithDescription("Ends one of your console sessions: its next request, and its open console within seconds, go to the sign-in page.")
            .Produces(204).ProducesProblem(404);
        return secured;
    }
}
