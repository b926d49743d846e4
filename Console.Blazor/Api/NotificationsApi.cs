using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/notifications: the caller's notification centre (list, mark read) and their preferences.</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("", (HttpContext context, NotificationCentre centre, bool? unread, int? limit) =>
                Problems.Map(centre.List(context.Caller(), unread, limit), Results.Ok))
            .WithDescription("Your notifications, newest first (only unread ones with unread=true), and how many are unread in all.")
            .Produces<NotificationPage>().ProducesProblem(400);
        notifications.MapPost("/{id:long}/read", (HttpContext context, NotificationCentre centre, long id) =>
                Problems.Map(centre.MarkRead(id, context.Caller()), _ => Results.NoContent()))
            .WithDescription("Marks one of your notifications read.")
            .Produces(204).ProducesProblem(404);
        notifications.MapPost("/read-all", (HttpContext context, NotificationCentre centre) =>
                Results.Ok(new ReadAllResult(centre.MarkAllRead(context.Caller()))))
            .WithDescription("Marks all your notifications read; answers how many were unread.")
            .Produces<ReadAllResult>();
        notifications.MapGet("/preferences", (HttpContext context, NotificationCentre centre) => Results.Ok(centre.Preferences(context.Caller())))
            .WithDescription("What you want in your centre besides your failed tasks, which always come.")
            .Produces<NotificationPreferences>();
        notifications.MapPut("/preferences", SetPreferences).Accepts<NotificationPreferences>("application/json")
            .WithDescription("Changes your preferences; a field left out keeps its value.")
            .Produces<NotificationPreferences>().ProducesProblem(400);
        return api;
    }

    private static async Task<IResult> SetPreferences(HttpContext context, NotificationCentre centre)
    {
        var (body, error) = await context.Request.ReadJsonAsync<NotificationPreferences>();
        if (error is not null) return error;
        return Problems.Map(centre.SetPreferences(body, context.Caller()), Results.Ok);
    }
}

/// <summary>How many notifications <c>POST /api/v1/notifications/read-all</c> marked read.</summary>
public sealed record ReadAllResult(int Marked);
