using Ccdsvm.Shared.Contracts.Notifications;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Something a person may want to hear about (<see cref="NotificationTypes"/>). <see cref="Key"/> names the event so that
/// hearing it twice stores it once; <see cref="Owner"/> is the user it belongs to (a task's owner), null when it concerns
/// whoever may see <see cref="Unit"/>. <see cref="TaskKind"/> and <see cref="UnitTags"/> are what matchers route on.
/// </summary>
public sealed record NotificationEvent(string Type, string Severity, string Title, string Message, DateTimeOffset At, string Key,
    string? Owner = null, long? TaskId = null, string? TaskKind = null, string? Unit = null, IReadOnlyList<string>? UnitTags = null)
{
    public IReadOnlyList<string> Tags => UnitTags ?? [];
}

/// <summary>A notification stored for <see cref="User"/>; live subscribers filter on the user.</summary>
public sealed record NotificationPosted(string User, NotificationView Notification);
