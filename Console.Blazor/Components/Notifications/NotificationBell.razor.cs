using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Notifications;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Components.Notifications;

/// <summary>
/// The notification centre in the header. It reads the user's latest notifications once, then hears new ones live (the
/// subscription records the notification and hops onto the renderer; it is disposed with the component). Opening a
/// notification's link marks it read.
/// </summary>
public sealed partial class NotificationBell : IDisposable
{
    /// <summary>How many notifications the panel lists.</summary>
    public const int Shown = 30;

    private List<NotificationView> _items = [];
    private int _unread;
    private bool _open;
    private NotificationPreferences _prefs = new();
    private IDisposable? _subscription;
    private bool _disposed;

    [Inject] private IConsoleNotifications Notifications { get; set; } = default!;

    protected override void OnInitialized()
    {
        Reload();
        _prefs = Notifications.Preferences();
        _subscription = Notifications.Subscribe(n => _ = ArriveAsync(n));
    }

    private void Reload()
    {
        var page = Notifications.List(Shown);
        _items = [.. page.Items];
        _unread = page.Unread;
    }

    private async Task ArriveAsync(NotificationView n)
    {
        try
        {
            await InvokeAsync(() =>
            {
                if (_disposed || _items.Any(i => i.Id == n.Id)) return;
                _items.Insert(0, n);
                if (_items.Count > Shown) _items.RemoveRange(Shown, _items.Count - Shown);
                if (!n.Read) _unread++;
                StateHasChanged();
            });
        }
        catch (Exception ex)
        {
            if (!_disposed) await DispatchExceptionAsync(ex);
        }
    }

    private void Toggle()
    {
        _open = !_open;
        if (_open) Reload();
    }

    private void MarkRead(NotificationView n)
    {
        if (Notifications.MarkRead(n.Id).Ok) Reload();
    }

    private void Open(NotificationView n)
    {
        if (!n.Read) MarkRead(n);
        _open = false;
    }

    private void ReadAll()
    {
        Notifications.MarkAllRead();
        Reload();
    }

    private void SetPreference(NotificationPreferences change)
    {
        var saved = Notifications.SetPreferences(change);
        if (saved.Ok) _prefs = saved.Value!;
    }

    /// <summary>Where a notification leads: its task's pane, or its unit's page.</summary>
    public static (string Href, string Text)? LinkOf(NotificationView n) =>
        n.TaskId is { } task ? ($"/?task={task}", $"Open task {task}")
        : n.Unit is { } unit ? ($"/units/{Uri.EscapeDataString(unit)}", $"Open unit {unit}")
        : null;

    private static string IconOf(NotificationView n) => n.Severity switch
    {
        NotificationSeverities.Error => Icons.Material.Filled.Error,
        NotificationSeverities.Warning => Icons.Material.Filled.Warning,
        _ => Icons.Material.Filled.Info,
    };

    private static Color ColorOf(NotificationView n) => n.Severity switch
    {
        NotificationSeverities.Error => Color.Error,
        NotificationSeverities.Warning => Color.Warning,
        _ => Color.Info,
    };

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
    }
}
