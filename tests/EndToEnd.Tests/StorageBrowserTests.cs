using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The storage page and file manager in Chromium against the station's own agent on a real loop device:
/// partition, format, mount, browse. The device is always unmounted and detached afterwards, even on failure.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StorageBrowserTests
{
    private static readonly LocatorAssertionsToHaveTextOptions TaskEnd = new() { Timeout = 120_000 };

    [Fact]
    public async Task LoopDevice_PartitionFormatMountAndBrowse_FromTheBrowser()
    {
        using var images = new TempDir("storage-image");
        using var mountRoot = new TempDir("storage-mnt");
        string image = images.File("disk.img");
        await using (var f = File.Create(image)) f.SetLength(512L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string mountPoint = Path.Combine(mountRoot.Path, "data");
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
            await using var browser = await ConsoleBrowser.SignInAsync(station);
            var page = browser.Page;
            string name = Path.GetFileName(device);

            await browser.GotoAsync(station, "/units/station/storage");
            var disk = page.GetByTestId($"disk-{name}");
            await Assertions.Expect(disk).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Assertions.Expect(disk).ToContainTextAsync("537 MB (512 MiB)");

            // One gpt partition over the rest of the device (the form comes prefilled so).
            await page.GetByTestId($"select-disk-{name}").ClickAsync();
            await page.GetByTestId("action-partition").ClickAsync();
            await Assertions.Expect(page.GetByTestId("form-danger")).ToHaveTextAsync($"Repartition {device}: erases all data on it");
            await Assertions.Expect(page.GetByTestId("form-danger-detail")).ToContainTextAsync("537 MB (512 MiB)");
            // Irreversible: the button stays disabled until the device's name is typed.
            await Assertions.Expect(page.GetByTestId("form-submit")).ToBeDisabledAsync();
            await page.GetByTestId("form-confirm").FillAsync(device);
            await browser.ScreenshotAsync("storage-partition-confirm.png");
            await page.GetByTestId("form-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);

            var partition = disk.Locator(".seg:not(.free)");
            await Assertions.Expect(partition).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            string node = "/dev/" + (await partition.GetAttributeAsync("data-testid"))!["seg-".Length..];

            await partition.ClickAsync();
            await page.GetByTestId("action-mkfs").ClickAsync();
            await Assertions.Expect(page.GetByTestId("form-danger")).ToHaveTextAsync($"Format {node}: erases all data on it");
            await Assertions.Expect(page.GetByTestId("param-device")).ToHaveValueAsync(node);
            await page.GetByTestId("form-confirm").FillAsync(node);
            await page.GetByTestId("form-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);

            await partition.ClickAsync();
            await page.GetByTestId("action-mount").ClickAsync();
            await page.GetByTestId("param-mountpoint").FillAsync(mountPoint);
            await page.GetByTestId("form-submit").ClickAsync();
            await Assertions.Expect(page.GetByTestId("storage-task").GetByTestId("state-chip")).ToHaveTextAsync("succeeded", TaskEnd);
            var mounted = page.GetByTestId($"fs-{mountPoint}");
            await Assertions.Expect(mounted).ToContainTextAsync(node, new() { Timeout = 60_000 });
            await Assertions.Expect(partition).ToContainTextAsync("ext4");
            await page.GetByTestId("storage-task").GetByTestId("pane-close").ClickAsync();
            await browser.ScreenshotAsync("storage.png", fullPage: true);

            // The kernel makes no partition nodes for loop devices here: the agent's own loop device on the disk stands for it.
            string backing = (await HostTool.RunAsync("losetup", "--associated", device)).Split(':')[0];
            Assert.Contains("TYPE=\"ext4\"", await HostTool.RunAsync("blkid", File.Exists(node) ? node : backing));

            // A file written outside the agent, to download through the browser with the sign-in cookie.
            await File.WriteAllTextAsync(Path.Combine(mountPoint, "hello.txt"), "hello from the loop device");
            await mounted.GetByTestId("fs-open").ClickAsync();
            await Assertions.Expect(page.GetByTestId("entry-lost+found")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            string href = (await page.GetByTestId("entry-hello.txt").GetByTestId("entry-download").GetAttributeAsync("href"))!;
            var download = await page.APIRequest.GetAsync(new Uri(station.BaseUrl, href).ToString(), new() { Timeout = 30_000 });
            Assert.Equal(200, download.Status);
            Assert.Equal("hello from the loop device", await download.TextAsync());
            await Assertions.Expect(page.GetByTestId($"crumb-{mountPoint}")).ToHaveAttributeAsync("aria-current", "page");
            await browser.ScreenshotAsync("files.png");
        }
        finally
        {
            await CleanUpAsync(device, image, mountPoint);
        }
    }

    /// <summary>Unmounts, then detaches the partition mappings (backed by the device) and the device itself.</summary>
    private static async Task CleanUpAsync(string device, string image, string mountPoint)
    {
        if (File.ReadAllText("/proc/mounts").Contains($" {mountPoint} ", StringComparison.Ordinal))
            await HostTool.RunAsync("umount", ["--lazy", mountPoint], check: false);
        foreach (var backing in new[] { device, image })
            foreach (var line in (await HostTool.RunAsync("losetup", ["--associated", backing], check: false)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string loop = line[..line.IndexOf(':')];
                if (loop != device) await HostTool.RunAsync("losetup", ["--detach", loop], check: false);
            }
        await HostTool.RunAsync("losetup", ["--detach", device], check: false);
    }
}
