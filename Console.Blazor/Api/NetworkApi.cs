using System.Text.Json;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// /api/v1/units/{id}/net/staged: network changes staged at the station (<see cref="NetStaging"/>, kept in the station's store): list,
/// stage (the body is net.configure's parameters), apply (submitted as a net.configure task, 202 with the task) and discard.
/// </summary>
public static class NetworkApi
{
    public static RouteGroupBuilder MapNetworkApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/units/{id}/net/staged").WithTags("Units");
        group.MapGet("", (HttpContext context, NetStaging staging, string id) => Problems.Map(staging.List(context.Caller(), id), Results.Ok))
            .Produces<IReadOnlyList<StagedNetChange>>().ProducesProblem(403).ProducesProblem(404);
        group.MapPost("", async (HttpContext context, NetStaging staging, string id) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<JsonElement>();
            if (error is not null) return error;
            return Problems.Map(staging.Stage(context.Caller(), id, body), s => Results.Created($"/api/v1/units/{Uri.EscapeDataString(id)}/net/staged/{s.Id}", s));
        }).Produces<StagedNetChange>(201).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapPost("/{staged:long}/apply", async (HttpContext context, NetStaging staging, string id, long staged) =>
            Problems.Map(await staging.ApplyAsync(context.Caller(), staged, id), t => Results.Accepted($"/api/v1/tasks/{t.Id}", t)))
            .Produces<TaskView>(202).ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        group.MapDelete("/{staged:long}", (HttpContext context, NetStaging staging, string id, long staged) =>
            Problems.Map(staging.Discard(context.Caller(), staged, id), Results.Ok))
            .Produces<StagedNetChange>().ProducesProblem(403).ProducesProblem(404);
        return api;
    }
}
