using Bunit;
using Ccdsvm.Console.Blazor.Components.Notifications;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Notifications;

/// <summary>The header's bell: the unread count, live arrivals, the panel, marking read and the links to a task or a unit.</summary>
public sealed class NotificationBellTests : ConsoleTestContext
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly ScriptedNotifications _centre = new();

    public NotificationBellTests() => Services.AddSingleton<IConsoleNotifications>(_centre);

    [Fact]
    public void Count_ShowsUnread_PanelListsNewestFirst_WithLinksToTaskAndUnit()
    {
        _centre.Items.Add(ScriptedNotifications.Failed(1, 42));
        _centre.Items.Add(ScriptedNotifications.Offline(2, "u7"));
        var cut = Render<NotificationBell>();

        Assert.Equal("2", cut.Find("[data-testid=notify-count]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=notify-panel]"));

        cut.Find("[data-testid=notify-bell]").Click();

        var items = cut.FindAll("[data-testid=notify-item]");
        Assert.Equal(["2", "1"], items.Select(i => i.GetAttribute("data-id")));
        var links = cut.FindAll("[data-testid=notify-link]");
        Assert.Equal(["/units/u7", "/?task=42"], links.Select(a => a.GetAttribute("href")));
        Assert.Contains("failed", items[1].QuerySelector("[data-testid=notify-title]")!.TextContent);
    }

    [Fact]
    public void MarkRead_LowersTheCount_ReadAllClearsIt()
    {
        _centre.Items.Add(ScriptedNotifications.Failed(1, 42));
        _centre.Items.Add(ScriptedNotifications.Failed(2, 43));
        _centre.Items.Add(ScriptedNotifications.Offline(3, "u7"));
        var cut = Render<NotificationBell>();
        cut.Find("[data-testid=notify-bell]").Click();

        cut.Find("[data-id='3'] [data-testid=notify-read]").Click();

        Assert.Equal("2", cut.Find("[data-testid=notify-count]").TextContent);
        Assert.Equal("true", cut.Find("[data-id='3']").GetAttribute("data-read"));

        cut.Find("[data-testid=notify-read-all]").Click();

        Assert.Equal("0", cut.Find("[data-testid=notify-count]").TextContent);
        Assert.All(cut.FindAll("[data-testid=notify-item]"), i => Assert.Equal("true", i.GetAttribute("data-read")));
        Assert.Empty(cut.FindAll("[data-testid=notify-read]"));
    }

    [Fact]
    public async Task NewNotification_ArrivesLive_TheCountRises_AndLeavingUnsubscribes()
    {
        var cut = Render<NotificationBell>();
        cut.Find("[data-testid=notify-bell]").Click();
        Assert.Equal("0", cut.Find("[data-testid=notify-count]").TextContent);
        Assert.NotEmpty(cut.FindAll("[data-testid=notify-empty]"));

        await _centre.Push(ScriptedNotifications.Failed(5, 99));

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=notify-count]").TextContent), Limit);
        Assert.Equal("5", cut.Find("[data-testid=notify-item]").GetAttribute("data-id"));

        await DisposeComponentsAsync().WaitAsync(Limit);
        Assert.Equal(0, _centre.Subscribers);
    }

    [Fact]
    public void Preference_TasksThatSucceeded_IsSaved()
    {
        var cut = Render<NotificationBell>();
        cut.Find("[data-testid=notify-bell]").Click();

        cut.Find("[data-testid=notify-pref-succeeded]").Change(true);

        Assert.True(_centre.Prefs.TaskSucceeded);
        Assert.True(_centre.Prefs.UnitStatus);
    }
}
