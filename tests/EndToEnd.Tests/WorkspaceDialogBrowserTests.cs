using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Ten tasks started from the task dialog with "start another like this", at a desktop, a tablet and a phone:
/// each opens its own pane, and the grid shows each one's state, running or failed, at a glance.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WorkspaceDialogBrowserTests
{
    private static readonly (string Tag, int Width, int Height, bool Touch)[] Screens = [("desktop", 1366, 900, false), ("tablet", 768, 1024, true), ("phone", 390, 844, true)];

    [Fact]
    public async Task TenTasksStartedFromTheDialog_TheGridShowsEachOnesState_AtEachScreenSize()
    {
        await using var station = await StationProcess.StartAsync();
        using var api = await station.AdminAsync();
        await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

        foreach (var (tag, width, height, touch) in Screens)
        {
            // Held by someone else for the whole round: the two tasks that ask for it give up after a second.
            await api.StartAsync("maintenance.hold", "station", new { resource = $"disks/busy-{tag}", seconds = 60, reason = "held by the test" });
            await using var browser = await ConsoleBrowser.SignInAsync(station, width, height, touch);
            var page = browser.Page;
            await page.GetByTestId("start-task-station").ClickAsync();
            var form = page.GetByTestId("task-form");
            await form.GetByTestId("form-kind").SelectOptionAsync("maintenance.hold");
            await form.GetByTestId("param-seconds").FillAsync("30");
            await form.GetByTestId("form-again").CheckAsync(new() { Force = true });

            var ids = new List<long>();
            for (int i = 0; i < 10; i++)
            {
                bool blocked = i >= 8;
                await form.GetByTestId("param-resource").FillAsync(blocked ? $"disks/busy-{tag}" : $"disks/{tag}{i}");
                await form.GetByTestId("param-reason").FillAsync($"pane {i}");
                if (blocked) await form.GetByTestId("param-waitSeconds").FillAsync("1");
                // Changing a field takes the last "started" line away, so the one read below is this task's.
                await Assertions.Expect(form.GetByTestId("form-started")).ToHaveCountAsync(0);
                await form.GetByTestId("form-submit").ClickAsync();
                var started = form.GetByTestId("form-started");
                await Assertions.Expect(started).ToContainTextAsync("Started task #");
                ids.Add(long.Parse(TaskNumber().Match(await started.InnerTextAsync()).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            Assert.Equal(10, ids.Distinct().Count());
            await form.GetByTestId("form-close").ClickAsync();
            await page.GetByTestId("layout-grid").ClickAsync();

            for (int i = 0; i < ids.Count; i++)
            {
                var pane = page.GetByTestId($"task-pane-{ids[i]}");
                await Assertions.Expect(pane.GetByTestId("state-chip")).ToHaveTextAsync(i >= 8 ? "failed" : "running", new() { Timeout = 30_000 });
            }
            await page.GetByTestId($"task-pane-{ids[9]}").ScrollIntoViewIfNeededAsync();
            await browser.ScreenshotAsync($"ten-from-dialog-{tag}.png");
            foreach (var id in ids.Take(8)) await api.PostJsonAsync($"/api/v1/tasks/{id}/cancel", null);
        }
    }

    [GeneratedRegex(@"#(\d+)")]
    private static partial Regex TaskNumber();
}
