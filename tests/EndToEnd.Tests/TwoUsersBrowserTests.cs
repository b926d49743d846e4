using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>Two people in two browsers at once: each works independently and sees their own tasks live.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TwoUsersBrowserTests
{
    private const string BobPassword = "bobs-long-password-2";

    [Fact]
    public async Task TwoUsersInTwoBrowsers_EachSeesTheirOwnTasksLive_AdminSeesBoth()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await admin.CreateUserAsync("bob", BobPassword, "Operator");
        using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);

        await using var adminBrowser = await ConsoleBrowser.SignInAsync(station);
        await using var bobBrowser = await ConsoleBrowser.SignInAsync(station, "bob", BobPassword);
        await adminBrowser.GotoAsync(station, "/tasks");
        await bobBrowser.GotoAsync(station, "/tasks");
        await Assertions.Expect(bobBrowser.Page.GetByTestId("current-user")).ToHaveTextAsync("bob");

        // Started elsewhere while both pages are open: rows arrive without a reload.
        long bobsTask = await bob.StartAsync("maintenance.hold", "station", new { resource = "disks/bob-disk", seconds = 60, reason = "bob" });
        long adminsTask = await admin.StartAsync("maintenance.hold", "station", new { resource = "disks/admin-disk", seconds = 60, reason = "admin" });

        await Assertions.Expect(bobBrowser.Page.GetByTestId($"task-row-{bobsTask}")).ToBeVisibleAsync();
        await Assertions.Expect(adminBrowser.Page.GetByTestId($"task-row-{bobsTask}")).ToBeVisibleAsync();
        await Assertions.Expect(adminBrowser.Page.GetByTestId($"task-row-{adminsTask}")).ToBeVisibleAsync();
        await Assertions.Expect(bobBrowser.Page.GetByTestId($"task-row-{adminsTask}")).ToHaveCountAsync(0);

        // Bob works independently: he cancels his own task from his browser's pane; admin's keeps running.
        await bobBrowser.GotoAsync(station, $"/?task={bobsTask}");
        await bobBrowser.Page.GetByTestId($"task-pane-{bobsTask}").GetByTestId("pane-cancel").ClickAsync();
        await bobBrowser.Page.GetByTestId($"task-pane-{bobsTask}").GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(bobBrowser.Page.GetByTestId($"task-pane-{bobsTask}").GetByTestId("state-chip")).ToHaveTextAsync("cancelled");
        Assert.Equal("running", (await admin.WaitForStateAsync(adminsTask, Timeouts.ShortTask, "running")).GetProperty("state").GetString());
        await Assertions.Expect(adminBrowser.Page.GetByTestId($"task-row-{bobsTask}").GetByTestId("state-chip")).ToHaveTextAsync("cancelled");
    }
}
