using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>POST /api/v1/auth/token: a bearer token for scripts.</summary>
public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password, string? Totp);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<TokenRequest>();
            if (error is not null) return error;
            if (string.IsNullOrEmpty(body!.Username) || string.IsNullOrEmpty(body.Password))
                return Problems.BadRequest("'username' and 'password' are required");
            var caller = users.Verify(body.Username, body.Password);
            // One answer for an unknown user and a wrong password: no hint which part was wrong.
            if (caller is null) return Problems.Unauthorized("wrong user name or password");
            return Results.Ok(users.IssueToken(caller));
        }).AllowAnonymous().WithTags("Auth").Produces<IssuedToken>().ProducesProblem(400).ProducesProblem(401);
        return api;
    }
}
