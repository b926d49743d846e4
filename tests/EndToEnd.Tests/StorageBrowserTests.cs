using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The storage page and file manager in Chromium against the station's own agent on a real loop device:
/// partition, format, mount, browse. The device is always unmounted and detached afterwards, even on failure.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StorageBrowserTests
{
    private static readonly LocatorAssertionsToHaveTextOptions TaskEnd = new() { Timeout = 120_000 };

    /// <summary>The three screens the console is built for: a desktop, a tablet and a phone (both touch).</summary>
    private static readonly (string Tag, int Width, int Height, bool Touch)[] Screens = [("desktop", 1366, 900, false), ("tablet", 768, 1024, true), ("phone", 390, 844, true)];

    [Fact]
    public async Task LoopDevice_PartitionFormatMountAndBrowse_ThroughTheDialogs_AtEachScreenSize()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("storage-image");
        using var mountRoot = new TempDir("storage-mnt");
        string image = images.File("disk.img");
        await using (var f = File.Create(image)) f.SetLength(512L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        var mountPoints = Screens.Select(s => Path.Combine(mountRoot.Path, "data-" + s.Tag)).ToList();
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["Agent__Devices__0"] = "/dev/loop*",
                    ["Agent__MountRoot"] = mountRoot.Path,
                    // The mount root is also a root for file work, so the file manager may list what is mounted there.
                    ["Agent__Roots__1"] = mountRoot.Path,
                },
            });
            using var api = await station.AdminAsync();
            await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            for (int round = 0; round < Screens.Length; round++)
            {
                var screen = Screens[round];
                await using var browser = await ConsoleBrowser.SignInAsync(station, screen.Width, screen.Height, screen.Touch);
                await PartitionFormatMountAsync(browser, station, device, mountPoints[round], screen.Tag, again: round > 0);
                if (round == 0) await BrowseAndDownloadAsync(browser, station, mountPoints[round]);
                await UnmountAsync(browser.Page, mountPoints[round]);
            }
        }
        finally
        {
            await CleanUpAsync(device, image, mountPoints);
        }
    }

    /// <summary>
    /// Two partitions drawn in the partition editor, the first formatted ext4 and mounted, each destructive step
    /// confirmed in the modal by the device's name. <paramref name="again"/>: the disk holds the last round's table,
    /// which the form says before anything starts, and force is switched on.
    /// </summary>
    private static async Task PartitionFormatMountAsync(ConsoleBrowser browser, StationProcess station, string device, string mountPoint, string tag, bool again)
    {
        var page = browser.Page;
        string name = Path.GetFileName(device);
        await browser.GotoAsync(station, "/units/station/storage");
        var disk = page.GetByTestId($"disk-{name}");
        await Assertions.Expect(disk).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(disk).ToContainTextAsync("537 MB (512 MiB)");

        await page.GetByTestId($"select-disk-{name}").ClickAsync();
        await page.GetByTestId("action-partition").ClickAsync();
        await Assertions.Expect(page.GetByTestId("param-device")).ToHaveValueAsync(device);
        await Assertions.Expect(page.GetByTestId("form-danger")).ToHaveTextAsync($"Repartition {device}: erases all data on it");
        if (again)
        {
            // Checked at the form against the unit's inventory: the table written last round is named, and force is needed.
            await Assertions.Expect(page.GetByTestId("param-device-help")).ToContainTextAsync("already holds a gpt partition table with 2 partitions: switch on force");
            await Assertions.Expect(page.GetByTestId("form-submit")).ToBeDisabledAsync();
            await page.GetByTestId("param-force").CheckAsync(new() { Force = true });
        }
        await page.GetByTestId("part-add").ClickAsync();
        await page.GetByTestId("part-rest-2").WaitForAsync();
        await page.GetByTestId("part-size-1").FillAsync("200");
        // The bar follows the typing: 200 of the 510 MiB a gpt table leaves.
        await Assertions.Expect(page.GetByTestId("part-seg-1")).ToHaveAttributeAsync("data-percent", "39.216%");
        await Assertions.Expect(page.GetByTestId("partition-summary")).ToHaveTextAsync("2 partitions on 537 MB (512 MiB)");
        await browser.ScreenshotAsync($"storage-partition-editor-{tag}.png");
        await ConfirmAsync(browser, device, "537 MB (512 MiB)", $"storage-partition-confirm-{tag}.png");
        await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);

        var partitions = disk.Locator(".seg:not(.free)");
        await Assertions.Expect(partitions).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        var first = partitions.First;
        string node = "/dev/" + (await first.GetAttributeAsync("data-testid"))!["seg-".Length..];

        await first.ClickAsync();
        await page.GetByTestId("action-mkfs").ClickAsync();
        await Assertions.Expect(page.GetByTestId("param-device")).ToHaveValueAsync(node);
        await Assertions.Expect(page.GetByTestId("param-fstype")).ToHaveValueAsync("ext4");
        // The new partition starts where last round's did, so its old file system may still be read there: force if the form says so.
        if ((await page.GetByTestId("param-device-help").InnerTextAsync()).Contains("switch on force", StringComparison.Ordinal))
            await page.GetByTestId("param-force").CheckAsync(new() { Force = true });
        await Assertions.Expect(page.GetByTestId("form-danger")).ToHaveTextAsync($"Format {node}: erases all data on it");
        await ConfirmAsync(browser, node, "210 MB (200 MiB)", null);
        await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);

        await first.ClickAsync();
        await page.GetByTestId("action-mount").ClickAsync();
        await page.GetByTestId("param-mountpoint").FillAsync("/etc/data");
        await Assertions.Expect(page.GetByTestId("task-form")).ToContainTextAsync("must lie under");
        await page.GetByTestId("param-mountpoint").FillAsync(mountPoint);
        await page.GetByTestId("form-submit").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync($"storage-mount-form-{tag}.png");
        await page.GetByTestId("form-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);
        var mounted = page.GetByTestId($"fs-{mountPoint}");
        await Assertions.Expect(mounted).ToContainTextAsync(node, new() { Timeout = 60_000 });
        await Assertions.Expect(first).ToContainTextAsync("ext4");
        await browser.ScreenshotAsync($"storage-mounted-{tag}.png", fullPage: true);

        // The kernel makes no partition nodes for loop devices here: the agent's own loop device on the disk stands for it.
        string backing = (await HostTool.RunAsync("losetup", "--associated", device)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':')[0]).FirstOrDefault(l => l != device) ?? device;
        Assert.Contains("TYPE=ext4\n", await HostTool.RunAsync("blkid", "-p", "-o", "export", File.Exists(node) ? node : backing));
    }

    /// <summary>The start button opens the modal, which says what is on the device now; the typed name enables its button, which starts the task.</summary>
    private static async Task ConfirmAsync(ConsoleBrowser browser, string word, string detail, string? screenshot)
    {
        var page = browser.Page;
        await page.GetByTestId("form-submit").ClickAsync();
        var modal = page.GetByTestId("confirm-modal");
        await Assertions.Expect(modal).ToBeVisibleAsync();
        await Assertions.Expect(modal.GetByTestId("confirm-detail")).ToContainTextAsync(detail);
        await Assertions.Expect(modal.GetByTestId("confirm-submit")).ToBeDisabledAsync();
        await modal.GetByTestId("form-confirm").FillAsync(word);
        if (screenshot is not null) await browser.ScreenshotAsync(screenshot);
        await modal.GetByTestId("confirm-submit").ClickAsync();
        await Assertions.Expect(modal).ToHaveCountAsync(0);
    }

    private static async Task BrowseAndDownloadAsync(ConsoleBrowser browser, StationProcess station, string mountPoint)
    {
        var page = browser.Page;
        // A file written outside the agent, to download through the browser with the sign-in cookie.
        await File.WriteAllTextAsync(Path.Combine(mountPoint, "hello.txt"), "hello from the loop device");
        await page.GetByTestId($"fs-{mountPoint}").GetByTestId("fs-open").ClickAsync();
        await Assertions.Expect(page.GetByTestId("entry-lost+found")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        string href = (await page.GetByTestId("entry-hello.txt").GetByTestId("entry-download").GetAttributeAsync("href"))!;
        var download = await page.APIRequest.GetAsync(new Uri(station.BaseUrl, href).ToString(), new() { Timeout = 30_000 });
        Assert.Equal(200, download.Status);
        Assert.Equal("hello from the loop device", await download.TextAsync());
        await Assertions.Expect(page.GetByTestId($"crumb-{mountPoint}")).ToHaveAttributeAsync("aria-current", "page");
        await browser.ScreenshotAsync("files.png");
        await page.GoBackAsync();
    }

    private static async Task UnmountAsync(IPage page, string mountPoint)
    {
        var mounted = page.GetByTestId($"fs-{mountPoint}");
        await mounted.GetByTestId("fs-unmount").ClickAsync();
        await Assertions.Expect(page.GetByTestId("param-mountpoint")).ToHaveValueAsync(mountPoint);
        await page.GetByTestId("form-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);
        await Assertions.Expect(mounted).ToHaveCountAsync(0, new() { Timeout = 60_000 });
    }

    /// <summary>Unmounts, then detaches the partition mappings (backed by the device) and the device itself.</summary>
    private static async Task CleanUpAsync(string device, string image, IEnumerable<string> mountPoints)
    {
        foreach (var mountPoint in mountPoints)
            if (File.ReadAllText("/proc/mounts").Contains($" {mountPoint} ", StringComparison.Ordinal))
                await HostTool.RunAsync("umount", ["--lazy", mountPoint], check: false);
        await HostLoops.DetachAsync(device, image);
    }
}
