using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// /api/v1/notification-targets (webhooks and SMTP servers), /api/v1/notification-matchers (which events go where, at once or
/// in digests) and /api/v1/notification-deliveries (every delivery attempt): administrators only. Secrets are write-only.
/// </summary>
public static class NotificationTargetsApi
{
    public static RouteGroupBuilder MapNotificationTargetsApi(this RouteGroupBuilder api)
    {
        var targets = api.MapGroup("/notification-targets").WithTags("Notifications");
        targets.MapGet("", (HttpContext context, NotificationTargets service) => Problems.Map(service.List(context.Caller()), Results.Ok))
            .WithDescription("Every target; secrets show only as secretSet / passwordSet.")
            .Produces<IReadOnlyList<NotificationTargetView>>().ProducesProblem(403);
        targets.MapGet("/{id:long}", (HttpContext context, NotificationTargets service, long id) => Problems.Map(service.Get(id, context.Caller()), Results.Ok))
            .Produces<NotificationTargetView>().ProducesProblem(403).ProducesProblem(404);
        targets.MapPost("", CreateTarget).Accepts<NotificationTargetRequest>("application/json")
            .Produces<NotificationTargetView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        targets.MapPut("/{id:long}", UpdateTarget).Accepts<NotificationTargetRequest>("application/json")
            .WithDescription("Replaces the target; a secret or password left out keeps the saved one, an empty one removes it.")
            .Produces<NotificationTargetView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        targets.MapDelete("/{id:long}", (HttpContext context, NotificationTargets service, long id) =>
                Problems.Map(service.Delete(id, context.Caller()), _ => Results.NoContent()))
            .Produces(204).ProducesProblem(403).ProducesProblem(404);

        api.MapGet("/notification-deliveries", (HttpContext context, NotificationTargets service, long? target, int? limit) =>
                Problems.Map(service.Deliveries(context.Caller(), target, limit), Results.Ok))
            .WithTags("Notifications")
            .WithDescription("Every delivery attempt, newest first (of one target with target=id): time, target, event, attempt, result, HTTP status, error.")
            .Produces<IReadOnlyList<NotificationDeliveryView>>().ProducesProblem(400).ProducesProblem(403);

        var matchers = api.MapGroup("/notification-matchers").WithTags("Notifications");
        matchers.MapGet("", (HttpContext context, NotificationMatchers service) => Problems.Map(service.List(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<NotificationMatcherView>>().ProducesProblem(403);
        matchers.MapGet("/{id:long}", (HttpContext context, NotificationMatchers service, long id) => Problems.Map(service.Get(id, context.Caller()), Results.Ok))
            .Produces<NotificationMatcherView>().ProducesProblem(403).ProducesProblem(404);
        matchers.MapPost("", CreateMatcher).Accepts<NotificationMatcherRequest>("application/json")
            .Produces<NotificationMatcherView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
        matchers.MapPut("/{id:long}", UpdateMatcher).Accepts<NotificationMatcherRequest>("application/json")
            .Produces<NotificationMatcherView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        matchers.MapDelete("/{id:long}", (HttpContext context, NotificationMatchers service, long id) =>
                Problems.Map(service.Delete(id, context.Caller()), _ => Results.NoContent()))
            .Produces(204).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> CreateTarget(HttpContext context, NotificationTargets service)
    {
        var (body, error) = await context.Request.ReadJsonAsync<NotificationTargetRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Create(body, context.Caller()), t => Results.Created($"/api/v1/notification-targets/{t.Id}", t));
    }

    private static async Task<IResult> UpdateTarget(HttpContext context, NotificationTargets service, long id)
    {
        var (body, error) = await context.Request.ReadJsonAsync<NotificationTargetRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Update(id, body, context.Caller()), Results.Ok);
    }

    private static async Task<IResult> CreateMatcher(HttpContext context, NotificationMatchers service)
    {
        var (body, error) = await context.Request.ReadJsonAsync<NotificationMatcherRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Create(body, context.Caller()), m => Results.Created($"/api/v1/notification-matchers/{m.Id}", m));
    }

    private static async Task<IResult> UpdateMatcher(HttpContext context, NotificationMatchers service, long id)
    {
        var (body, error) = await context.Request.ReadJsonAsync<NotificationMatcherRequest>();
        if (error is not null) return error;
        return Problems.Map(service.Update(id, body, context.Caller()), Results.Ok);
    }
}
