using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Notifications;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Notifications;

/// <summary>
/// The Notifications admin page: targets (checked as one types; secrets write-only: never shown, left empty to keep),
/// matchers (<see cref="NotificationMatchersCard"/>) and the delivery log.
/// </summary>
public sealed partial class NotificationsAdminPage
{
    private static readonly NotificationTargetRequest Blank = new("", NotificationTargetTypes.Webhook, Security: SmtpSecurityModes.StartTls);

    private IReadOnlyList<NotificationTargetView> _targets = [];
    private IReadOnlyList<NotificationDeliveryView> _deliveries = [];
    private NotificationTargetRequest _t = Blank;
    private long? _targetId;
    private bool _secretSet;
    private string _port = "", _to = "";
    private string? _targetProblem;
    private string? _error;

    [Inject] private IConsoleNotificationAdmin Admin { get; set; } = default!;

    private string SecretHint => _secretSet ? "; saved: leave empty to keep it" : "";

    protected override void OnInitialized()
    {
        Reload();
        NewTarget();
    }

    private void Reload()
    {
        if (!Admin.MayManage) return;
        _targets = Admin.Targets();
        _deliveries = Admin.Deliveries();
    }

    private static string Text(ChangeEventArgs e) => e.Value?.ToString() ?? "";

    private void SetTarget(NotificationTargetRequest request)
    {
        _t = request;
        _targetProblem = Admin.TargetProblem(_t);
    }

    private void PortChanged(ChangeEventArgs e)
    {
        _port = Text(e);
        SetTarget(_t with { Port = int.TryParse(_port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : -1 });
    }

    private void ToChanged(ChangeEventArgs e)
    {
        _to = Text(e);
        SetTarget(_t with { To = [.. _to.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] });
    }

    private void NewTarget()
    {
        _targetId = null;
        _secretSet = false;
        _port = "587";
        _to = "";
        SetTarget(Blank with { Port = 587 });
    }

    /// <summary>Fills the form from a target; its secret stays empty (left empty, the saved one is kept).</summary>
    private void EditTarget(NotificationTargetView t)
    {
        _targetId = t.Id;
        _secretSet = t.SecretSet || t.PasswordSet;
        _port = t.Port?.ToString(CultureInfo.InvariantCulture) ?? "";
        _to = string.Join(", ", t.To);
        SetTarget(new NotificationTargetRequest(t.Name, t.Type, t.Enabled, t.Url, null, t.Host, t.Port, t.Security, t.Username, null, t.From, t.To));
    }

    private void SaveTarget()
    {
        // An empty secret field on a change keeps the saved secret (null); on a new target it means none.
        var request = _t with { Secret = string.IsNullOrEmpty(_t.Secret) ? null : _t.Secret, Password = string.IsNullOrEmpty(_t.Password) ? null : _t.Password };
        var saved = Admin.SaveTarget(_targetId, request);
        _error = saved.Ok ? null : saved.Error!.Message;
        if (!saved.Ok) return;
        Reload();
        NewTarget();
    }

    private void DeleteTarget(NotificationTargetView t)
    {
        var deleted = Admin.DeleteTarget(t.Id);
        _error = deleted.Ok ? null : deleted.Error!.Message;
        Reload();
    }
}
