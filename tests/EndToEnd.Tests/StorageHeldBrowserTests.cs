using System.Diagnostics;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The Storage page and the file manager while a task holds what they show, in Chromium at 1366×900, on a 768×1024
/// touch tablet and a 390×844 touch phone: both render, name the holder and its reason, and leave no task behind.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StorageHeldBrowserTests
{
    [Fact]
    public async Task HeldDiskAndFolder_DoNotStopTheViews_AtThreeSizes()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("held-view");
        string image = images.File("a.img");
        await using (var f = File.Create(image)) f.SetLength(128L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string name = device["/dev/".Length..];
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*" },
            });
            using var api = await station.AdminAsync();
            await api.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            Directory.CreateDirectory(Path.Combine(station.StationRoot, "held", "deep"));
            File.WriteAllText(Path.Combine(station.StationRoot, "held", "notes.txt"), "held");
            long diskHold = await api.StartAsync("maintenance.hold", "station", new { resource = $"disks/{name}", seconds = 900, reason = "replacing cable" });
            long folderHold = await api.StartAsync("maintenance.hold", "station", new { resource = $"fs{station.StationRoot}/held/deep", seconds = 900, reason = "backup running" });
            await api.WaitForStateAsync(diskHold, Timeouts.ShortTask, "running");
            await api.WaitForStateAsync(folderHold, Timeouts.ShortTask, "running");

            foreach (var (width, height, touch, label) in new[] { (1366, 900, false, "desktop"), (768, 1024, true, "tablet"), (390, 844, true, "phone") })
            {
                await using var browser = await ConsoleBrowser.SignInAsync(station, width, height, touch);
                var page = browser.Page;

                var clock = Stopwatch.StartNew();
                await browser.GotoAsync(station, "/units/station/storage");
                var held = page.GetByTestId($"held-{name}");
                await Assertions.Expect(held).ToContainTextAsync($"task #{diskHold}");
                await Assertions.Expect(page.GetByTestId($"disk-{name}")).ToBeVisibleAsync();
                Console.WriteLine($"{label}: the Storage page named the holder {clock.ElapsedMilliseconds} ms after navigation began");
                await Assertions.Expect(held).ToContainTextAsync("admin");
                await Assertions.Expect(held).ToContainTextAsync("replacing cable");
                await Assertions.Expect(page.GetByTestId($"disk-held-{name}")).ToContainTextAsync($"#{diskHold}");
                await Assertions.Expect(page.GetByTestId("storage-age")).ToContainTextAsync("As the unit reported it");
                await browser.ScreenshotAsync($"storage-held-{label}.png", fullPage: true);

                await browser.GotoAsync(station, $"/units/station/files?path={Uri.EscapeDataString(station.StationRoot + "/held")}");
                await Assertions.Expect(page.GetByTestId("entry-notes.txt")).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("entry-deep")).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByTestId("files-held-deep")).ToContainTextAsync($"task #{folderHold}");
                await Assertions.Expect(page.GetByTestId("files-held-deep")).ToContainTextAsync("backup running");
                await browser.ScreenshotAsync($"files-held-{label}.png");
            }

            // Both holds are still running, and looking left no task behind.
            Assert.Equal("running", (await api.TaskAsync(diskHold)).GetProperty("state").GetString());
            Assert.Equal("running", (await api.TaskAsync(folderHold)).GetProperty("state").GetString());
            var tasks = await api.GetAsync("/api/v1/tasks?target=station&limit=1000");
            Assert.Equal([diskHold, folderHold], tasks.Body.EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Order());
            await api.PostJsonAsync($"/api/v1/tasks/{diskHold}/cancel", null);
            await api.PostJsonAsync($"/api/v1/tasks/{folderHold}/cancel", null);
        }
        finally
        {
            await HostLoops.DetachAsync(device, image);
        }
    }
}
