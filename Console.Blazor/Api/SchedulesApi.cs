using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Schedules;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/schedules: recurring tasks (list, read, make, replace, delete), a schedule's runs, and a cron preview.</summary>
public static class SchedulesApi
{
    public static RouteGroupBuilder MapSchedulesApi(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("", (HttpContext context, ScheduleService service) => Results.Ok(service.List(context.Caller())))
            .WithDescription("Your schedules (every schedule for an administrator), each with its next and last run.")
            .Produces<IReadOnlyList<ScheduleView>>();
        schedules.MapGet("/{id:long}", (HttpContext context, ScheduleService service, long id) => Problems.Map(service.Get(id, context.Caller()), Results.Ok))
            .Produces<ScheduleView>().ProducesProblem(404);
        schedules.MapGet("/{id:long}/runs", (HttpContext context, ScheduleService service, long id, int? limit) =>
                Problems.Map(service.History(id, context.Caller(), limit), Results.Ok))
            .WithDescription("The schedule's runs, newest first: started (with the task), refused (with the reason), skipped (overlap or missed while down).")
            .Produces<IReadOnlyList<ScheduleRunView>>().ProducesProblem(400).ProducesProblem(404);
        schedules.MapGet("/preview", (ScheduleService service, TimeProvider clock, string? cron, string? timeZone) =>
                Problems.Map(ScheduleService.Preview(cron, timeZone, clock.GetUtcNow()), Results.Ok))
            .WithDescription("The next three instants (UTC) a cron expression gives in a time zone; 400 naming what is wrong.")
            .Produces<IReadOnlyList<DateTimeOffset>>().ProducesProblem(400);
        schedules.MapPost("", Create).Accepts<ScheduleRequest>("application/json")
            .Produces<ScheduleView>(StatusCodes.Status201Created).ProducesProblem(400);
        schedules.MapPut("/{id:long}", Update).Accepts<ScheduleRequest>("application/json")
            .Produces<ScheduleView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        schedules.MapDelete("/{id:long}", (HttpContext context, ScheduleService service, long id) =>
                Problems.Map(service.Delete(id, context.Caller()), _ => Results.NoContent()))
            .Produces(204).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> Create(HttpContext context, ScheduleService service)
    {
        var (body, error) = await context.Request.ReadJsonAsync<ScheduleRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Create(body, context.Caller()), s => Results.Created($"/api/v1/schedules/{s.Id}", s));
    }

    private static async Task<IResult> Update(HttpContext context, ScheduleService service, long id)
    {
        var (body, error) = await context.Request.ReadJsonAsync<ScheduleRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Update(id, body, context.Caller()), Results.Ok);
    }
}
