using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>An unmount taken back in one click: "Mount again" under the finished unmount mounts the same device at the same point with the same options.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class MountAgainBrowserTests
{
    [Fact]
    public async Task MountAgain_AfterAnUnmount_MountsTheSameDeviceWithTheSameOptions()
    {
        using var images = new TempDir("mount-again");
        using var mountRoot = new TempDir("mount-again-mnt");
        string image = images.File("d.img");
        await using (var f = File.Create(image)) f.SetLength(64L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string mountPoint = Path.Combine(mountRoot.Path, "data");
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*", ["Agent__MountRoot"] = mountRoot.Path },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            long mkfs = await admin.StartAsync("storage.mkfs", "station", new { device, fstype = "ext4", force = true });
            await admin.WaitForStateAsync(mkfs, Timeouts.ShortTask, "succeeded");
            long mount = await admin.StartAsync("storage.mount", "station", new { device, mountpoint = mountPoint, options = "noatime" });
            await admin.WaitForStateAsync(mount, Timeouts.ShortTask, "succeeded");
            long unmount = await admin.StartAsync("storage.unmount", "station", new { mountpoint = mountPoint });
            await admin.WaitForStateAsync(unmount, Timeouts.ShortTask, "succeeded");
            Assert.Null(MountLine(mountPoint));

            await using var browser = await ConsoleBrowser.SignInAsync(station, 1366, 900);
            var page = browser.Page;
            await browser.GotoAsync(station, $"/?task={unmount}");
            var pane = page.GetByTestId($"task-pane-{unmount}");
            await Assertions.Expect(pane.GetByTestId("mount-again-text")).ToContainTextAsync($"Mount {device} there again with noatime", new() { Timeout = 30_000 });
            await browser.ScreenshotAsync("mount-again-desktop.png");
            await pane.GetByTestId("mount-again").ClickAsync();

            // The new mount opens in its own pane, which the workspace brings to the front.
            var front = page.Locator("[data-testid^='task-pane-']:visible");
            await Assertions.Expect(front).Not.ToHaveAttributeAsync("data-testid", $"task-pane-{unmount}", new() { Timeout = 30_000 });
            long again = long.Parse(TaskNumber().Match(await front.GetAttributeAsync("data-testid") ?? "").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"#{again} Mount a file system", await page.GetByTestId($"pane-tab-{again}").InnerTextAsync());
            await page.GetByTestId($"pane-tab-{unmount}").ClickAsync();
            await Assertions.Expect(pane.GetByTestId("mount-again-started")).ToContainTextAsync($"task #{again}");
            await page.GetByTestId($"pane-tab-{again}").ClickAsync();
            await admin.WaitForStateAsync(again, Timeouts.ShortTask, "succeeded");
            await Assertions.Expect(page.GetByTestId($"task-pane-{again}").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", new() { Timeout = 30_000 });
            string line = MountLine(mountPoint) ?? throw new Xunit.Sdk.XunitException($"{mountPoint} is not mounted again");
            Assert.Contains("noatime", line.Split(' ')[3].Split(','));
            await browser.ScreenshotAsync("mount-again-done-desktop.png");
        }
        finally
        {
            if (MountLine(mountPoint) is not null) await HostTool.RunAsync("umount", ["--lazy", mountPoint], check: false);
            await HostLoops.DetachAsync(device, image);
        }
    }

    /// <summary>The /proc/mounts line of <paramref name="mountPoint"/>, null when nothing is mounted there.</summary>
    private static string? MountLine(string mountPoint) =>
        File.ReadAllLines("/proc/mounts").FirstOrDefault(l => l.Split(' ') is [_, var point, ..] && point == mountPoint);

    [GeneratedRegex(@"task-pane-(\d+)")]
    private static partial Regex TaskNumber();
}
