using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Bulk;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Mvc;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/tasks: submit (one unit, or many: a bulk task), preview which units a bulk task would run on, list, read, cancel, confirm (net.configure), events; a bulk task's children and its retry.</summary>
public static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("", Submit).Accepts<SubmitTask>("application/json")
            .Produces<TaskView>(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        tasks.MapPost("/preview", Preview).Accepts<BulkPreviewRequest>("application/json").Produces<BulkPreview>().ProducesProblem(400);
        tasks.MapGet("", List).Produces<IReadOnlyList<TaskView>>();
        tasks.MapGet("/{id:long}", Get).Produces<TaskView>().ProducesProblem(404);
        tasks.MapPost("/{id:long}/cancel", Cancel).Produces<TaskView>().ProducesProblem(404).ProducesProblem(409);
        tasks.MapPost("/{id:long}/confirm", Confirm).Produces<TaskView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        tasks.MapGet("/{id:long}/events", Events).Produces<IReadOnlyList<TaskEventView>>().ProducesProblem(404);
        tasks.MapGet("/{id:long}/children", Children).Produces<BulkChildPage>().ProducesProblem(400).ProducesProblem(404);
        tasks.MapPost("/{id:long}/retry-failed", RetryFailed).Produces<TaskView>(StatusCodes.Status202Accepted).ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    private static async Task<IResult> Submit(HttpContext context, BulkRollouts tasks, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var (body, error) = await context.Request.ReadJsonAsync<SubmitTask>();
        if (error is not null) return error;
        var outcome = await tasks.SubmitAsync(body! with { IdempotencyKey = idempotencyKey }, context.Caller());
        return Problems.Map(outcome, t => Results.Accepted($"/api/v1/tasks/{t.Id}", t));
    }

    private static async Task<IResult> Preview(HttpContext context, BulkPreviews previews)
    {
        var (body, error) = await context.Request.ReadJsonAsync<BulkPreviewRequest>();
        if (error is not null) return error;
        return Problems.Map(previews.Preview(body!, context.Caller()), Results.Ok);
    }

    private static IResult List(HttpContext context, TaskEngine engine, string? state, string? owner, string? target, int? limit, string? kind, string? q) =>
        Problems.Map(engine.List(new TaskQuery(state, owner, target, limit ?? 200, kind, q), context.Caller()), Results.Ok);

    private static IResult Get(HttpContext context, TaskEngine engine, long id) =>
        Problems.Map(engine.Get(id, context.Caller()), Results.Ok);

    private static async Task<IResult> Cancel(HttpContext context, BulkRollouts tasks, long id) =>
        Problems.Map(await tasks.CancelAsync(id, context.Caller()), Results.Ok);

    /// <summary>Keeps what a net.configure task applied: the agent stops its rollback timer.</summary>
    private static async Task<IResult> Confirm(HttpContext context, TaskConfirmations confirmations, long id) =>
        Problems.Map(await confirmations.ConfirmAsync(id, context.Caller()), Results.Ok);

    private static IResult Children(HttpContext context, BulkRollouts tasks, long id, string? state, int? offset, int? limit) =>
        Problems.Map(tasks.Children(id, context.Caller(), state, offset, limit), Results.Ok);

    private static IResult RetryFailed(HttpContext context, BulkRollouts tasks, long id) =>
        Problems.Map(tasks.RetryFailed(id, context.Caller()), t => Results.Accepted($"/api/v1/tasks/{t.Id}", t));

    private static IResult Events(HttpContext context, TaskEngine engine, long id, long? after) =>
        Problems.Map(engine.Events(id, context.Caller(), after ?? 0), Results.Ok);
}
