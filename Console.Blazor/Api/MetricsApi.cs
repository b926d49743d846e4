using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/units/{id}/metrics, /metrics/live, /processes, /processes/{pid}/threads and /api/v1/alerts.</summary>
public static class MetricsApi
{
    public static RouteGroupBuilder MapMetricsApi(this RouteGroupBuilder api)
    {
        var units = api.MapGroup("/units/{id}").WithTags("Monitoring");
        units.MapGet("/metrics", (UnitMetrics metrics, string id, string? from, string? to, string? step) =>
            Problems.Map(metrics.History(id, from, to, step), Results.Ok))
            .Produces<MetricsHistory>().ProducesProblem(400).ProducesProblem(404);
        units.MapGet("/metrics/live", (HttpContext context, UnitRegistry registry, MetricsWatch watch, string id) =>
            registry.View(id) is null
                ? Problems.From(StationError.NotFound($"unit '{id}' is not known"))
                : TypedResults.ServerSentEvents(watch.StreamAsync(id, context.RequestAborted), "sample"))
            .Produces<MetricsSample>(contentType: "text/event-stream").ProducesProblem(404);
        units.MapGet("/processes", async (UnitMetrics metrics, string id) =>
            Problems.Map(await metrics.ProcessesAsync(id), l => Results.Ok(l.Processes)))
            .Produces<IReadOnlyList<ProcessInfo>>().ProducesProblem(404).ProducesProblem(409);
        units.MapGet("/processes/{pid:int}/threads", async (UnitMetrics metrics, string id, int pid) =>
            Problems.Map(await metrics.ThreadsAsync(id, pid), l => Results.Ok(l.Threads)))
            .Produces<IReadOnlyList<ThreadInfo>>().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        api.MapGet("/alerts", (Alerts alerts, string? unit) => Results.Ok(alerts.Active(unit)))
            .WithTags("Monitoring").Produces<IReadOnlyList<Alert>>();
        return api;
    }
}
