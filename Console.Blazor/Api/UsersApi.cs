using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/users and /api/v1/groups: reads checked in Station.Core, changes run as auth.user tasks.</summary>
public static class UsersApi
{
    public sealed record CreateUser(string? Username, string? Password, string[]? Groups, bool? Admin, long? QuotaMiB, bool? MustChangePassword);
    public sealed record SetPassword(string? Password, bool? MustChangePassword);
    public sealed record SetGroups(string[]? Groups);
    public sealed record SetQuota(long? QuotaMiB);
    public sealed record SetDisabled(bool? Disabled);
    public sealed record CreateGroup(string? Name);

    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("", (HttpContext context, UserAdmin admin) => Problems.Map(admin.Users(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<UserDetails>>();
        users.MapPost("", async (HttpContext context, UserAdmin admin) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CreateUser>();
            if (error is not null) return error;
            var outcome = await admin.CreateUserAsync(context.Caller(), body!.Username, body.Password, body.Groups, body.Admin ?? false, body.QuotaMiB, body.MustChangePassword ?? false);
            return Problems.Map(outcome, c => Results.Created($"/api/v1/users/{body.Username}", c));
        }).Produces<AdminChange>(201).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        users.MapDelete("/{name}", async (HttpContext context, UserAdmin admin, string name) =>
            Problems.Map(await admin.UserChangeAsync(context.Caller(), AuthUserAction.Delete, username: name), Results.Ok))
            .Produces<AdminChange>().ProducesProblem(403).ProducesProblem(404);
        users.MapPut("/{name}/password", async (HttpContext context, UserAdmin admin, string name) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<SetPassword>();
            if (error is not null) return error;
            return Problems.Map(await admin.SetPasswordAsync(context.Caller(), name, body!.Password, body.MustChangePassword ?? false), Results.Ok);
        }).Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        users.MapPut("/{name}/groups", async (HttpContext context, UserAdmin admin, string name) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<SetGroups>();
            if (error is not null) return error;
            if (body!.Groups is null) return Problems.BadRequest("'groups' is required: the full list of the user's groups");
            return Problems.Map(await admin.UserChangeAsync(context.Caller(), AuthUserAction.SetGroups, username: name, groups: body.Groups), Results.Ok);
        }).Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        users.MapPut("/{name}/quota", async (HttpContext context, UserAdmin admin, string name) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<SetQuota>();
            if (error is not null) return error;
            if (body!.QuotaMiB is null or < 0) return Problems.BadRequest("'quotaMiB' must be 0 (no limit) or a positive number of MiB");
            return Problems.Map(await admin.UserChangeAsync(context.Caller(), AuthUserAction.SetQuota, username: name, quotaMiB: body.QuotaMiB), Results.Ok);
        }).Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        users.MapPut("/{name}/disabled", async (HttpContext context, UserAdmin admin, string name) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<SetDisabled>();
            if (error is not null) return error;
            if (body!.Disabled is not { } disabled) return Problems.BadRequest("'disabled' is required: true locks the account, false unlocks it");
            return Problems.Map(await admin.SetDisabledAsync(context.Caller(), name, disabled), Results.Ok);
        }).Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        var groups = api.MapGroup("/groups").WithTags("Users");
        groups.MapGet("", (HttpContext context, UserAdmin admin) => Problems.Map(admin.Groups(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<GroupDetails>>().ProducesProblem(403);
        groups.MapPost("", async (HttpContext context, UserAdmin admin) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CreateGroup>();
            if (error is not null) return error;
            if (Ccdsvm.Shared.Contracts.NameRules.UserProblem(body!.Name, "name") is { } badName) return Problems.BadRequest(badName);
            return Problems.Map(await admin.UserChangeAsync(context.Caller(), AuthUserAction.CreateGroup, group: body.Name), c => Results.Created($"/api/v1/groups/{body.Name}", c));
        }).Produces<AdminChange>(201).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        groups.MapDelete("/{name}", async (HttpContext context, UserAdmin admin, string name) =>
            Problems.Map(await admin.UserChangeAsync(context.Caller(), AuthUserAction.DeleteGroup, group: name), Results.Ok))
            .Produces<AdminChange>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }
}
