using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/auth/tokens: named API tokens of the signed-in user, each with at most its owner's rights.</summary>
public static class TokensApi
{
    public sealed record CreateToken(string? Name, int? ExpiresInDays);

    public static RouteGroupBuilder MapTokensApi(this RouteGroupBuilder secured)
    {
        var tokens = secured.MapGroup("/auth/tokens").WithTags("Auth");
        tokens.MapGet("", (HttpContext context, UserService users) => Results.Ok(users.ListTokens(context.Caller())))
            .WithDescription("Your named tokens (never their secrets).")
            .Produces<IReadOnlyList<ApiTokenView>>();

        tokens.MapPost("", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CreateToken>();
            if (error is not null) return error;
            return Problems.Map(users.CreateToken(context.Caller(), body!.Name, body.ExpiresInDays, context.ClientAddress()),
                t => Results.Created($"/api/v1/auth/tokens/{t.Id}", t));
        }).WithDescription($"A named token for scripts; 'token' is shown only in this answer. expiresInDays: 1–{UserService.MaxTokenDays}, default {UserService.DefaultTokenDays}.")
            .Produces<CreatedApiToken>(201).ProducesProblem(400).ProducesProblem(409);

        tokens.MapDelete("/{id}", (string id, HttpContext context, UserService users) =>
            Problems.Map(users.RevokeToken(context.Caller(), id, context.ClientAddress()), _ => Results.NoContent()))
            .Produces(204).ProducesProblem(404);
        return secured;
    }
}
