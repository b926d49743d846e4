namespace Ccdsvm.Shared.Contracts.Notifications;

/// <summary>When a matcher's events are delivered: each at once, or gathered into one delivery per hour or per day.</summary>
public static class DigestPolicies
{
    public const string Immediately = "immediately", Hourly = "hourly", Daily = "daily";
    public static readonly IReadOnlyList<string> All = [Immediately, Hourly, Daily];
}

/// <summary>
/// A calendar window: the days (<c>mon</c> … <c>sun</c>, every day when absent) and hours (<see cref="FromHour"/> inclusive to
/// <see cref="ToHour"/> exclusive, 0-24; a window past midnight such as 22-6 is allowed) in an IANA <see cref="TimeZone"/>
/// (UTC when absent). An event outside it is not routed by the matcher.
/// </summary>
public sealed record NotificationWindow(IReadOnlyList<string>? Days = null, int? FromHour = null, int? ToHour = null, string? TimeZone = null);

/// <summary>
/// <c>POST /api/v1/notification-matchers</c> and <c>PUT …/{id}</c> body: the events it takes (at least
/// <see cref="MinSeverity"/>, one of <see cref="Types"/>, of a task of one of <see cref="Kinds"/>, about a unit with one of
/// <see cref="UnitTags"/>, inside <see cref="Window"/>; each left out takes all) and the <see cref="Targets"/> it sends them to,
/// as <see cref="Digest"/> says (<see cref="DigestPolicies"/>, immediately when absent).
/// </summary>
public sealed record NotificationMatcherRequest(string? Name, IReadOnlyList<long>? Targets, bool? Enabled = null, string? MinSeverity = null,
    IReadOnlyList<string>? Types = null, IReadOnlyList<string>? Kinds = null, IReadOnlyList<string>? UnitTags = null, NotificationWindow? Window = null,
    string? Digest = null);

/// <summary>A matcher as the API shows it.</summary>
public sealed record NotificationMatcherView(long Id, string Name, bool Enabled, IReadOnlyList<long> Targets, string MinSeverity,
    IReadOnlyList<string> Types, IReadOnlyList<string> Kinds, IReadOnlyList<string> UnitTags, NotificationWindow? Window, string Digest,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
