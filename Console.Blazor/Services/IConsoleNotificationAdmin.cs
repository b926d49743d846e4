using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Notifications;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Notification targets, matchers and the delivery log for the admin page, as the signed-in user; scripted in bUnit tests.</summary>
public interface IConsoleNotificationAdmin
{
    /// <summary>Whether the user may manage notifications (administrators); the station still checks.</summary>
    bool MayManage { get; }

    IReadOnlyList<NotificationTargetView> Targets();
    Outcome<NotificationTargetView> SaveTarget(long? id, NotificationTargetRequest request);
    Outcome<bool> DeleteTarget(long id);
    string? TargetProblem(NotificationTargetRequest request);

    IReadOnlyList<NotificationMatcherView> Matchers();
    Outcome<NotificationMatcherView> SaveMatcher(long? id, NotificationMatcherRequest request);
    Outcome<bool> DeleteMatcher(long id);
    string? MatcherProblem(NotificationMatcherRequest request);

    IReadOnlyList<NotificationDeliveryView> Deliveries(int limit = 100);
}

/// <summary>The circuit's <see cref="IConsoleNotificationAdmin"/>: the station's targets and matchers, as the signed-in user.</summary>
public sealed class ConsoleNotificationAdmin(ConsoleUser user, NotificationTargets targets, NotificationMatchers matchers) : IConsoleNotificationAdmin
{
    public bool MayManage => user.TryCaller()?.IsAdmin == true;

    public IReadOnlyList<NotificationTargetView> Targets() => targets.List(user.Caller) is { Ok: true } o ? o.Value! : [];
    public Outcome<NotificationTargetView> SaveTarget(long? id, NotificationTargetRequest request) =>
        id is { } t ? targets.Update(t, request, user.Caller) : targets.Create(request, user.Caller);
    public Outcome<bool> DeleteTarget(long id) => targets.Delete(id, user.Caller);
    public string? TargetProblem(NotificationTargetRequest request) => NotificationTargets.Problem(request);

    public IReadOnlyList<NotificationMatcherView> Matchers() => matchers.List(user.Caller) is { Ok: true } o ? o.Value! : [];
    public Outcome<NotificationMatcherView> SaveMatcher(long? id, NotificationMatcherRequest request) =>
        id is { } m ? matchers.Update(m, request, user.Caller) : matchers.Create(request, user.Caller);
    public Outcome<bool> DeleteMatcher(long id) => matchers.Delete(id, user.Caller);
    public string? MatcherProblem(NotificationMatcherRequest request) => matchers.Problem(request);

    public IReadOnlyList<NotificationDeliveryView> Deliveries(int limit = 100) => targets.Deliveries(user.Caller, null, limit) is { Ok: true } o ? o.Value! : [];
}
