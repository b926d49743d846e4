using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A newcomer's first screen at 1366×900, on a 768×1024 tablet and on a 390×844 phone: the state of a real fleet
/// (one unit offline, a really nearly-full ext4 file system on a loop device, another user's failed task) and the
/// next actions, each of which leads where it says.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstScreenBrowserTests
{
    private const string Password = "carol-password-1";

    [Fact]
    public async Task FirstScreen_TellsTheFleetsState_WithNextActions_AtThreeSizes()
    {
        await using var full = await NearlyFullFileSystem.MountAsync();
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await using (await station.StartAgentAsync("unit-b"))
        {
            // unit-b runs on this host too, so its storage reading holds the same nearly-full mount: wait until the
            // station keeps that reading, so that the first screen shows the mount under both units whatever the timing.
            await admin.WaitUnitStatusAsync("unit-b", "online", Timeouts.UnitOnline);
            var deadline = DateTimeOffset.UtcNow + Timeouts.UnitOnline;
            while (!(await admin.GetAsync("/api/v1/units/unit-b/storage")).Text.Contains(full.MountPoint, StringComparison.Ordinal))
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, $"unit-b's storage reading never listed {full.MountPoint}");
                await Task.Delay(200);
            }
        }
        await admin.WaitUnitStatusAsync("unit-b", "offline", Timeouts.UnitOnline);

        // Someone else's failure: the admin's own would come back as a pane and fold the overview away.
        await admin.CreateUserAsync("carol", Password, "HelpDesk", "/units/station");
        using var carol = await ApiClient.SignInAsync(station.BaseUrl, "carol", Password);
        long failed = await carol.StartAsync("fs.checksum", "station", new { path = Path.Combine(station.StationRoot, "missing.iso") });
        await carol.WaitForStateAsync(failed, Timeouts.ShortTask, "failed");

        foreach (var (width, height, touch, name) in new[] { (1366, 900, false, "desktop"), (768, 1024, true, "tablet"), (390, 844, true, "phone") })
        {
            await using var browser = await ConsoleBrowser.SignInAsync(station, width, height, touch);
            var page = browser.Page;
            await Assertions.Expect(page.GetByTestId("tile-units")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            Assert.Equal("1", (await page.GetByTestId("units-online").InnerTextAsync()).Trim());
            Assert.Equal("1", (await page.GetByTestId("units-offline").InnerTextAsync()).Trim());
            var nearFull = page.Locator($"[data-testid=near-full-row][data-mount='{full.MountPoint}']");
            await Assertions.Expect(nearFull).ToHaveCountAsync(2, new() { Timeout = 30_000 });
            foreach (string unit in new[] { "station", "unit-b" })
            {
                var row = page.Locator($"[data-testid=near-full-row][data-unit='{unit}'][data-mount='{full.MountPoint}']");
                await Assertions.Expect(row).ToBeVisibleAsync();
                Assert.Contains(unit, await row.InnerTextAsync());
            }
            var failure = page.GetByTestId($"failed-task-{failed}");
            await Assertions.Expect(failure).ToBeVisibleAsync();
            Assert.Contains("missing.iso", await failure.InnerTextAsync());
            await Assertions.Expect(page.GetByTestId("action-open-storage")).ToContainTextAsync("Open storage on station");
            await Assertions.Expect(page.GetByTestId("action-failed-tasks")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("action-run-task")).ToBeVisibleAsync();

            // Nothing on the first screen is wider than the screen.
            int scrollWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            Assert.True(scrollWidth <= width, $"the page is {scrollWidth} px wide at {width} px");
            await browser.ScreenshotAsync($"first-screen-{name}.png", fullPage: true);

            if (name == "desktop")
            {
                // With a pane open the overview folds into a strip of counts that opens on demand.
                await page.GetByTestId($"failed-task-{failed}").ClickAsync();
                await Assertions.Expect(page.GetByTestId($"task-pane-{failed}")).ToBeVisibleAsync(new() { Timeout = 30_000 });
                await Assertions.Expect(page.GetByTestId("overview-line")).ToContainTextAsync("1 online · 1 offline · 2 file systems nearly full · 1 failed");
                Assert.Equal(0, await page.GetByTestId("tile-units").CountAsync());
                await browser.ScreenshotAsync("first-screen-strip-desktop.png");
                await page.GetByTestId("overview-toggle").ClickAsync();
                await Assertions.Expect(page.GetByTestId("tile-units")).ToBeVisibleAsync();
            }
            if (name == "tablet")
            {
                // "See failed tasks" opens the task list filtered to failures, the failed checksum on it.
                await page.GetByTestId("action-failed-tasks").ClickAsync();
                await Assertions.Expect(page.GetByTestId("filter-state")).ToHaveValueAsync("failed", new() { Timeout = 30_000 });
                await Assertions.Expect(page.Locator("body")).ToContainTextAsync("missing.iso", new() { Timeout = 30_000 });
            }
        }
    }

    [Fact]
    public async Task RevokedGrant_IsGrantedAgainByUndo_OnATablet()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.CreateUserAsync("carol", Password, "HelpDesk", "/units/station");

        await using var browser = await ConsoleBrowser.SignInAsync(station, 768, 1024, touch: true);
        var page = browser.Page;
        await browser.GotoAsync(station, "/access");
        var row = page.GetByTestId("acl-row-carol-/units/station");
        await row.GetByTestId("acl-revoke").ClickAsync();
        await page.GetByTestId("confirm-yes").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.DoesNotContain("carol", (await admin.GetAsync("/api/v1/acl")).Text);
        await Assertions.Expect(page.GetByTestId("revoke-undo-bar")).ToContainTextAsync("from carol");
        await browser.ScreenshotAsync("revoke-undo-tablet.png");

        await page.GetByTestId("revoke-undo").ClickAsync();
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync("HelpDesk");
        var acl = (await admin.GetAsync("/api/v1/acl")).Body;
        Assert.Contains(acl.EnumerateArray(), e => e.GetProperty("subject").GetString() == "carol"
            && e.GetProperty("path").GetString() == "/units/station" && e.GetProperty("role").GetString() == "HelpDesk");
    }

    /// <summary>A 32 MiB ext4 file system on a loop device, mounted before the station starts and filled to about 92%.</summary>
    private sealed class NearlyFullFileSystem : IAsyncDisposable
    {
        private readonly TempDir _dir = new("nearfull");

        public string MountPoint => _dir.Combine("mnt");

        public static async Task<NearlyFullFileSystem> MountAsync()
        {
            var fs = new NearlyFullFileSystem();
            string image = fs._dir.File("disk.img");
            await using (var f = File.Create(image)) f.SetLength(32L << 20);
            await HostTool.RunAsync("mkfs.ext4", "-q", "-F", "-m", "0", image);
            Directory.CreateDirectory(fs.MountPoint);
            await HostTool.RunAsync("mount", "-o", "loop", image, fs.MountPoint);
            var drive = new DriveInfo(fs.MountPoint);
            long fill = drive.TotalFreeSpace - (long)(drive.TotalSize * 0.08);
            var chunk = new byte[1 << 20];
            await using (var data = File.Create(Path.Combine(fs.MountPoint, "fill.bin")))
            {
                for (long written = 0; written < fill; written += chunk.Length)
                    await data.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, fill - written)));
            }
            return fs;
        }

        public async ValueTask DisposeAsync()
        {
            await HostTool.RunAsync("umount", [MountPoint], check: false);
            _dir.Dispose();
        }
    }
}
