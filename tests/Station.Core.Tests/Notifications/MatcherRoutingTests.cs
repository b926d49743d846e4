using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>Matchers route events to targets by severity, tag, type and calendar window; hourly and daily digests batch them.</summary>
[Collection(StoreCollection.Name)]
public sealed class MatcherRoutingTests
{
    private static NotificationEvent Event(string severity, string tag, DateTimeOffset at, string key) =>
        new(severity == NotificationSeverities.Error ? NotificationTypes.TaskFailed : NotificationTypes.UnitOffline, severity, key, "m", at, key,
            "alice", 1, "fs.copy", "u1", [tag]);

    private static IReadOnlyList<string> Titles(WebhookReceiver receiver, string path) =>
        [.. receiver.Requests.Where(r => r.Path == path).SelectMany(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("title").GetString()!))];

    [Fact]
    public async Task RoutesBySeverityAndByTag_EachTargetGetsOnlyWhatItsMatcherTakes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var f = new DeliveryFixture();
        var errors = f.Webhook(receiver.Url + "/errors", name: "errors");
        var rack2 = f.Webhook(receiver.Url + "/rack2", name: "rack2");
        f.Matcher(new NotificationMatcherRequest("errors only", [errors.Id], MinSeverity: NotificationSeverities.Error));
        f.Matcher(new NotificationMatcherRequest("rack 2", [rack2.Id], UnitTags: ["rack-2"]));
        var now = DateTimeOffset.UtcNow;

        f.Router.Route(Event(NotificationSeverities.Error, "rack-1", now, "error-rack1"));
        f.Router.Route(Event(NotificationSeverities.Warning, "rack-2", now, "warning-rack2"));
        f.Router.Route(Event(NotificationSeverities.Info, "rack-3", now, "info-rack3"));
        await f.Delivered();

        Assert.Equal(["error-rack1"], Titles(receiver, "/errors"));
        Assert.Equal(["warning-rack2"], Titles(receiver, "/rack2"));
    }

    [Fact]
    public async Task CalendarWindow_OnlyWorkingHoursInItsZone_AndOnlyTheTypesNamed()
    {
        await using var f = new DeliveryFixture();
        var t = f.Webhook("https://h.example.com/x");
        var m = f.Matcher(new NotificationMatcherRequest("office", [t.Id], Types: [NotificationTypes.TaskFailed],
            Window: new NotificationWindow(["mon", "tue", "wed", "thu", "fri"], 8, 18, "Europe/Berlin")));
        var rule = f.Matchers.Rules.Single(r => r.Id == m.Id);
        // Monday 1 June 2026: 07:30 UTC is 09:30 in Berlin (inside), 17:00 UTC is 19:00 (outside); Saturday 6 June is off.
        Assert.True(rule.Matches(Event(NotificationSeverities.Error, "a", new DateTimeOffset(2026, 6, 1, 7, 30, 0, TimeSpan.Zero), "in")));
        Assert.False(rule.Matches(Event(NotificationSeverities.Error, "a", new DateTimeOffset(2026, 6, 1, 17, 0, 0, TimeSpan.Zero), "late")));
        Assert.False(rule.Matches(Event(NotificationSeverities.Error, "a", new DateTimeOffset(2026, 6, 6, 9, 0, 0, TimeSpan.Zero), "saturday")));
        Assert.False(rule.Matches(Event(NotificationSeverities.Warning, "a", new DateTimeOffset(2026, 6, 1, 7, 30, 0, TimeSpan.Zero), "unit event")));
    }

    [Fact]
    public async Task HourlyDigest_BatchesTheHoursEventsIntoOneDelivery_SentWhenTheHourEnds()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 10, 5, 0, TimeSpan.Zero));
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var f = new DeliveryFixture(clock);
        var t = f.Webhook(receiver.Url + "/digest");
        f.Matcher(new NotificationMatcherRequest("hourly", [t.Id], Digest: DigestPolicies.Hourly));

        foreach (var minute in new[] { 5, 20, 40 })
            f.Router.Route(Event(NotificationSeverities.Error, "a", new DateTimeOffset(2026, 6, 1, 10, minute, 0, TimeSpan.Zero), $"at 10:{minute}"));

        Assert.Equal(0, f.Router.FlushDue(new DateTimeOffset(2026, 6, 1, 10, 59, 59, TimeSpan.Zero)));
        await f.Delivered();
        Assert.Empty(receiver.Requests);

        Assert.Equal(1, f.Router.FlushDue(new DateTimeOffset(2026, 6, 1, 11, 0, 0, TimeSpan.Zero)));
        await f.Delivered();

        var one = Assert.Single(receiver.Requests);
        using var body = JsonDocument.Parse(one.Body);
        Assert.Equal((DigestPolicies.Hourly, 3), (body.RootElement.GetProperty("digest").GetString(), body.RootElement.GetProperty("count").GetInt32()));
        Assert.Equal(["at 10:5", "at 10:20", "at 10:40"], Titles(receiver, "/digest"));
        Assert.Equal(("digest", "hourly digest: 3 events"), (f.Log(t.Id).Single().EventType, f.Log(t.Id).Single().Title));
        Assert.Equal(0, f.Router.FlushDue(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task DailyDigest_EndsAtMidnightInTheMatchersZone()
    {
        await using var f = new DeliveryFixture();
        var t = f.Webhook("https://h.example.com/x");
        var m = f.Matcher(new NotificationMatcherRequest("daily", [t.Id], Digest: DigestPolicies.Daily, Window: new NotificationWindow(TimeZone: "Europe/Berlin")));
        var rule = f.Matchers.Rules.Single(r => r.Id == m.Id);

        // 21:30 UTC on 1 June is 23:30 in Berlin: the day ends at 22:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 22, 0, 0, TimeSpan.Zero), rule.PeriodEnd(new DateTimeOffset(2026, 6, 1, 21, 30, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("{\"name\":\"m\",\"targets\":[999]}", "'targets' names target 999, which does not exist")]
    [InlineData("{\"name\":\"m\",\"targets\":[]}", "'targets' must list 1 to 50")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"minSeverity\":\"fatal\"}", "'minSeverity' must be one of info, warning, error")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"digest\":\"weekly\"}", "'digest' must be one of immediately, hourly, daily")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"kinds\":[\"fs.nothing\"]}", "'kinds' holds 'fs.nothing', which is not a task kind")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"types\":[\"task.exploded\"]}", "'types' holds 'task.exploded'")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"window\":{\"fromHour\":25}}", "'window.fromHour' must be 0-23")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"window\":{\"timeZone\":\"Mars/Olympus\"}}", "'window.timeZone' must be an IANA time zone")]
    [InlineData("{\"name\":\"m\",\"targets\":[1],\"window\":{\"days\":[\"monday\"]}}", "'window.days' must name days as sun, mon")]
    public async Task BadMatcher_IsRefusedWithAMessageToActOn(string json, string message)
    {
        await using var f = new DeliveryFixture();
        f.Webhook("https://h.example.com/x");
        var outcome = f.Matchers.Create(JsonSerializer.Deserialize<NotificationMatcherRequest>(json, NotificationTargets.Json), DeliveryFixture.Admin);

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error?.Kind);
        Assert.Contains(message, outcome.Error!.Message);
    }
}
