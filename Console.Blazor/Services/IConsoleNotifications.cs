using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Notifications;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>The signed-in user's notification centre (the station's <c>NotificationCentre</c>); scripted in bUnit tests.</summary>
public interface IConsoleNotifications
{
    NotificationPage List(int limit = 30);
    Outcome<bool> MarkRead(long id);
    int MarkAllRead();
    NotificationPreferences Preferences();
    Outcome<NotificationPreferences> SetPreferences(NotificationPreferences change);

    /// <summary>
    /// Calls <paramref name="handler"/> (off the renderer, on the centre's loop) for each notification stored for this user;
    /// dispose the subscription when the component goes.
    /// </summary>
    IDisposable Subscribe(Action<NotificationView> handler);
}

/// <summary>The circuit's <see cref="IConsoleNotifications"/>: the station's centre, as the signed-in user.</summary>
public sealed class ConsoleNotifications(ConsoleUser user, NotificationCentre centre) : IConsoleNotifications
{
    public NotificationPage List(int limit = 30) => centre.List(user.Caller, limit: limit).Value!;
    public Outcome<bool> MarkRead(long id) => centre.MarkRead(id, user.Caller);
    public int MarkAllRead() => centre.MarkAllRead(user.Caller);
    public NotificationPreferences Preferences() => centre.Preferences(user.Caller);
    public Outcome<NotificationPreferences> SetPreferences(NotificationPreferences change) => centre.SetPreferences(change, user.Caller);

    public IDisposable Subscribe(Action<NotificationView> handler)
    {
        string name = user.Name;
        return centre.Posted.Subscribe(p =>
        {
            if (p.User == name) handler(p.Notification);
        });
    }
}
