using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Notifications;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Notifications;

/// <summary>The matchers of the Notifications page: a list and a form checked as one types (the station's own check).</summary>
public sealed partial class NotificationMatchersCard
{
    private IReadOnlyList<NotificationMatcherView> _matchers = [];
    private readonly HashSet<long> _targets = [];
    private long? _id;
    private string _name = "", _severity = NotificationSeverities.Info, _types = "", _kinds = "", _tags = "", _days = "", _from = "", _until = "", _zone = "",
        _digest = DigestPolicies.Immediately;
    private string? _problem, _error;

    /// <summary>The targets a matcher may send to (the page's list).</summary>
    [Parameter] public IReadOnlyList<NotificationTargetView> Targets { get; set; } = [];

    [Inject] private IConsoleNotificationAdmin Admin { get; set; } = default!;

    protected override void OnInitialized()
    {
        _matchers = Admin.Matchers();
        New();
    }

    private static string Text(ChangeEventArgs e) => e.Value?.ToString() ?? "";

    private static List<string>? List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } items ? [.. items] : null;

    private static int? Hour(string text) =>
        string.IsNullOrWhiteSpace(text) ? null : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int h) ? h : -1;

    private NotificationMatcherRequest Request()
    {
        var days = List(_days);
        int? from = Hour(_from), until = Hour(_until);
        var window = days is null && from is null && until is null && string.IsNullOrWhiteSpace(_zone) ? null
            : new NotificationWindow(days, from, until, string.IsNullOrWhiteSpace(_zone) ? null : _zone.Trim());
        return new NotificationMatcherRequest(_name, [.. _targets.Order()], true, _severity, List(_types), List(_kinds), List(_tags), window, _digest);
    }

    private void Set(Action change)
    {
        change();
        _problem = Admin.MatcherProblem(Request());
    }

    private void Toggle(long target, bool on)
    {
        if (on) _targets.Add(target);
        else _targets.Remove(target);
    }

    private void New()
    {
        _id = null;
        _targets.Clear();
        (_name, _severity, _types, _kinds, _tags, _days, _from, _until, _zone, _digest) = ("", NotificationSeverities.Info, "", "", "", "", "", "", "", DigestPolicies.Immediately);
        _problem = Admin.MatcherProblem(Request());
    }

    private void Edit(NotificationMatcherView m)
    {
        _id = m.Id;
        _targets.Clear();
        _targets.UnionWith(m.Targets);
        _name = m.Name;
        _severity = m.MinSeverity;
        _types = string.Join(", ", m.Types);
        _kinds = string.Join(", ", m.Kinds);
        _tags = string.Join(", ", m.UnitTags);
        _days = string.Join(", ", m.Window?.Days ?? []);
        _from = m.Window?.FromHour?.ToString(CultureInfo.InvariantCulture) ?? "";
        _until = m.Window?.ToHour?.ToString(CultureInfo.InvariantCulture) ?? "";
        _zone = m.Window?.TimeZone ?? "";
        _digest = m.Digest;
        _problem = Admin.MatcherProblem(Request());
    }

    private void Save()
    {
        var saved = Admin.SaveMatcher(_id, Request());
        _error = saved.Ok ? null : saved.Error!.Message;
        if (!saved.Ok) return;
        _matchers = Admin.Matchers();
        New();
    }

    private void Delete(NotificationMatcherView m)
    {
        var deleted = Admin.DeleteMatcher(m.Id);
        _error = deleted.Ok ? null : deleted.Error!.Message;
        _matchers = Admin.Matchers();
    }

    private string NameOf(long target) => Targets.FirstOrDefault(t => t.Id == target)?.Name ?? $"#{target}";

    private static string Takes(NotificationMatcherView m)
    {
        var parts = new List<string> { $"{m.MinSeverity} and above" };
        if (m.Types.Count > 0) parts.Add(string.Join("/", m.Types));
        if (m.Kinds.Count > 0) parts.Add("kinds " + string.Join("/", m.Kinds));
        if (m.UnitTags.Count > 0) parts.Add("tags " + string.Join("/", m.UnitTags));
        return string.Join(" · ", parts);
    }

    private static string Window(NotificationWindow w) =>
        $"{(w.Days is { Count: > 0 } d ? string.Join(",", d) : "every day")} {w.FromHour ?? 0}-{w.ToHour ?? 24} {w.TimeZone ?? "UTC"}";
}
