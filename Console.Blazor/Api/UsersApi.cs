using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/users.</summary>
public static class UsersApi
{
    public sealed record CreateUser(string? Username, string? Password, bool? Admin);

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", (HttpContext context, UserService service) => Problems.Map(service.List(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<UserView>>();
        users.MapPost("", async (HttpContext context, UserService service) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CreateUser>();
            if (error is not null) return error;
            return Problems.Map(service.Create(body!.Username, body.Password, body.Admin ?? false, context.Caller()),
                u => Results.Created($"/api/v1/users/{u.Username}", u));
        }).Produces<UserView>(201).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        return api;
    }
}
