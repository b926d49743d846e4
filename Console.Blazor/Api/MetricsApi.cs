using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/units/{id}/metrics, /metrics/live, /processes, /processes/{pid}/threads and /api/v1/alerts; Units.Monitor on the unit.</summary>
public static class MetricsApi
{
    public static RouteGroupBuilder MapMetricsApi(this RouteGroupBuilder api)
    {
        var units = api.MapGroup("/units/{id}").WithTags("Monitoring");
        units.MapGet("/metrics", (HttpContext context, UnitMonitoring monitoring, string id, string? from, string? to, string? step) =>
            Problems.Map(monitoring.History(context.Caller(), id, from, to, step), Results.Ok))
            .Produces<MetricsHistory>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        units.MapGet("/metrics/live", (HttpContext context, UnitMonitoring monitoring, string id) =>
            monitoring.CanWatch(context.Caller(), id) is { } refusal
                ? Problems.From(refusal)
                : TypedResults.ServerSentEvents(monitoring.Stream(id, context.RequestAborted), "sample"))
            .Produces<MetricsSample>(contentType: "text/event-stream").ProducesProblem(403).ProducesProblem(404);
        units.MapGet("/processes", async (HttpContext context, UnitMonitoring monitoring, string id) =>
            Problems.Map(await monitoring.ProcessesAsync(context.Caller(), id), l => Results.Ok(l.Processes)))
            .Produces<IReadOnlyList<ProcessInfo>>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        units.MapGet("/processes/{pid:int}/threads", async (HttpContext context, UnitMonitoring monitoring, string id, int pid) =>
            Problems.Map(await monitoring.ThreadsAsync(context.Caller(), id, pid), l => Results.Ok(l.Threads)))
            .Produces<IReadOnlyList<ThreadInfo>>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        api.MapGet("/alerts", (HttpContext context, UnitMonitoring monitoring, string? unit) => Results.Ok(monitoring.Alerts(context.Caller(), unit)))
            .WithTags("Monitoring").Produces<IReadOnlyList<Alert>>();
        return api;
    }
}
