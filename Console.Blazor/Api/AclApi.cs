using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/acl (roles on paths; changes run as auth.grant tasks), /api/v1/roles and /api/v1/audit.</summary>
public static class AclApi
{
    public sealed record GrantBody(string? Path, string? Subject, string? Role);

    public static RouteGroupBuilder MapAclApi(this RouteGroupBuilder api)
    {
        var acl = api.MapGroup("/acl").WithTags("Access");
        acl.MapGet("", (HttpContext context, UserAdmin admin) => Problems.Map(admin.Acl(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<AclEntryView>>().ProducesProblem(403);
        acl.MapPut("", async (HttpContext context, UserAdmin admin) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<GrantBody>();
            if (error is not null) return error;
            return Problems.Map(await admin.GrantAsync(context.Caller(), body!.Path, body.Subject, body.Role), Results.Ok);
        }).Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403);
        acl.MapDelete("", async (HttpContext context, UserAdmin admin, string? path, string? subject, string? role) =>
            Problems.Map(await admin.RevokeAsync(context.Caller(), path, subject, role), Results.Ok))
            .Produces<AdminChange>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);

        api.MapGet("/roles", () => Results.Ok(Roles.BuiltIn)).WithTags("Access").Produces<IReadOnlyList<Role>>();

        api.MapGet("/audit", (HttpContext context, UserAdmin admin, string? actor, string? action, string? outcome, string? text,
                DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit) =>
            Problems.Map(admin.AuditLog(context.Caller(), new AuditQuery(actor, action, outcome, text, from, to, before, limit ?? 200)), Results.Ok))
            .WithTags("Access").Produces<IReadOnlyList<AuditEntry>>().ProducesProblem(403);
        return api;
    }
}
