using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Issue 16.3, hostile input against "Mount again": the undo replays a mount from the store (the device, the mount
/// point the unit reported unmounting, the options of the last succeeded mount there), so a stored mount whose values
/// are hostile (a mount point with '..', a link out of the mount root, an empty or a 10,000-character value, shell
/// metacharacters in the options) must go through the same station validation and the same check by the unit as any
/// mount. First through REST (the path the button's service takes), then by the button itself on stored tasks planted
/// in the real station's store: each is refused with a message in the console, or (the link, which only the unit can
/// see) fails at the unit saying why; nothing is mounted anywhere, and no command ran.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MountAgainHostileTests(ITestOutputHelper output)
{
    private const long FirstPlantedId = 900_000;

    [Fact]
    public async Task MountAgain_WithHostileStoredParameters_IsRefusedWithAMessageAndNothingIsMounted()
    {
        using var images = new TempDir("mount-hostile");
        using var mountRoot = new TempDir("mount-hostile-mnt");
        using var outside = new TempDir("mount-hostile-outside");
        string image = images.File("d.img");
        string marker = images.File("pwned");
        await using (var f = File.Create(image)) f.SetLength(64L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        // A link inside the mount root that leads out of it: only the unit can see where it goes.
        string link = Path.Combine(mountRoot.Path, "link");
        File.CreateSymbolicLink(link, outside.Path);
        string climbing = mountRoot.Path + "/../" + Path.GetFileName(outside.Path);
        string huge = mountRoot.Path + "/" + new string('a', 10_000);
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

            // REST: the values a stored mount could hold, refused at admission with 400 and a message naming the problem.
            (object Parameters, string Says)[] refused =
            [
                (new { device, mountpoint = climbing }, "'..'"),
                (new { device, mountpoint = "" }, "mountpoint"),
                (new { device, mountpoint = huge }, "characters long"),
                (new { device = "", mountpoint = mountRoot.Path + "/data" }, "device"),
                (new { device = "/dev/" + new string('d', 10_000), mountpoint = mountRoot.Path + "/data" }, "device"),
                (new { device, mountpoint = mountRoot.Path + "/data", options = $"noatime;touch {marker}" }, "may hold only"),
                (new { device, mountpoint = mountRoot.Path + "/data", options = $"$(touch {marker})" }, "may hold only"),
                (new { device, mountpoint = mountRoot.Path + "/data", options = "ro noatime" }, "may hold only"),
                (new { device, mountpoint = mountRoot.Path + "/data", options = new string('o', 10_000) }, "options"),
            ];
            foreach (var (parameters, says) in refused)
            {
                var answer = await admin.SubmitAsync("storage.mount", "station", parameters);
                Assert.True(answer.Status == HttpStatusCode.BadRequest, $"{Show(parameters)} was not refused with 400: {Shorten(answer.ToString())}");
                Assert.Contains(says, answer.Detail, StringComparison.Ordinal);
            }
            // The link is admitted (the station cannot see where it leads) and refused by the unit, which resolves it.
            long viaLink = await admin.StartAsync("storage.mount", "station", new { device, mountpoint = link });
            var failed = await admin.WaitForStateAsync(viaLink, Timeouts.ShortTask);
            Assert.Equal("failed", failed.GetProperty("state").GetString());
            Assert.Contains("mount root", failed.GetProperty("error").GetString());
            AssertNothingMounted(device, outside.Path, marker);

            // The button: stored mounts and unmounts as a store could hold them, replayed by "Mount again".
            var planted = new Planted(station.DatabasePath, device);
            long climbingUnmount = planted.Pair(climbing, null);
            long hugeUnmount = planted.Pair(huge, null);
            long shellUnmount = planted.Pair(mountRoot.Path + "/data", $"noatime;touch {marker}");
            long spacedUnmount = planted.Pair(mountRoot.Path + "/data2", "ro noatime");
            long linkUnmount = planted.Pair(link, "noatime");
            // The station shows only tasks its store holds durably as of its start (or its own commits since): start it again on this store.
            await station.RestartAsync();
            using var again0 = await station.AdminAsync();
            await again0.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            await using var browser = await ConsoleBrowser.SignInAsync(station, 1366, 900);
            foreach (var (unmount, says) in new[] { (climbingUnmount, "'..'"), (hugeUnmount, "characters long"), (shellUnmount, "may hold only"), (spacedUnmount, "may hold only") })
            {
                var pane = await OpenAsync(browser, station, unmount);
                await pane.GetByTestId("mount-again").ClickAsync();
                await Assertions.Expect(pane.GetByTestId("mount-again-error")).ToContainTextAsync(says, new() { Timeout = 30_000 });
                Assert.Equal(0, await pane.GetByTestId("mount-again-started").CountAsync());
                output.WriteLine($"task {unmount}: {Shorten(await pane.GetByTestId("mount-again-error").InnerTextAsync())}");
            }
            await browser.ScreenshotAsync("mount-again-refused-desktop.png");

            var linkPane = await OpenAsync(browser, station, linkUnmount);
            await linkPane.GetByTestId("mount-again").ClickAsync();
            // The started mount opens in its own pane, which the workspace brings to the front.
            var front = browser.Page.Locator("[data-testid^='task-pane-']:visible");
            await Assertions.Expect(front).Not.ToHaveAttributeAsync("data-testid", $"task-pane-{linkUnmount}", new() { Timeout = 30_000 });
            long again = long.Parse((await front.GetAttributeAsync("data-testid") ?? "")["task-pane-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var unit = await again0.WaitForStateAsync(again, Timeouts.ShortTask);
            Assert.Equal("failed", unit.GetProperty("state").GetString());
            Assert.Contains("mount root", unit.GetProperty("error").GetString());
            Assert.Equal(link, JsonDocument.Parse(unit.GetProperty("parameters").GetRawText()).RootElement.GetProperty("mountpoint").GetString());
            AssertNothingMounted(device, outside.Path, marker);
        }
        finally
        {
            foreach (var line in File.ReadAllLines("/proc/mounts").Where(l => l.StartsWith(device + " ", StringComparison.Ordinal)))
                await HostTool.RunAsync("umount", ["--lazy", line.Split(' ')[1]], check: false);
            await HostLoops.DetachAsync(device, image);
        }
    }

    private static async Task<ILocator> OpenAsync(ConsoleBrowser browser, StationProcess station, long task)
    {
        await browser.GotoAsync(station, $"/?task={task}");
        var pane = browser.Page.GetByTestId($"task-pane-{task}");
        await Assertions.Expect(pane.GetByTestId("mount-again-text")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return pane;
    }

    private static void AssertNothingMounted(string device, string outside, string marker)
    {
        var mounts = File.ReadAllLines("/proc/mounts");
        Assert.DoesNotContain(mounts, l => l.StartsWith(device + " ", StringComparison.Ordinal));
        Assert.DoesNotContain(mounts, l => l.Split(' ') is [_, var point, ..] && point.StartsWith(outside, StringComparison.Ordinal));
        Assert.False(File.Exists(marker), "a command in the mount options ran");
    }

    private static string Show(object o) => Shorten(JsonSerializer.Serialize(o));

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";

    /// <summary>
    /// Succeeded storage.mount and storage.unmount tasks written straight into the station's store, as a store could
    /// hold them from an older version, an edit by hand or a unit that reported a hostile result. High ids, so the
    /// station's own numbering never meets them; the station is started again afterwards, to read them as its own.
    /// </summary>
    private sealed class Planted(string database, string device)
    {
        private long _next = FirstPlantedId;

        /// <summary>A mount of the device at <paramref name="mountpoint"/> with <paramref name="options"/>, then its unmount; returns the unmount's id.</summary>
        public long Pair(string mountpoint, string? options)
        {
            string at = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            using var c = new SqliteConnection($"Data Source={database};Pooling=False");
            c.Open();
            long mount = ++_next, unmount = ++_next;
            Insert(c, mount, "storage.mount", JsonSerializer.Serialize(new { device, mountpoint, options }),
                JsonSerializer.Serialize(new { device, backingNode = (string?)null, mountpoint, fstype = "ext4", options = options ?? "defaults", persisted = false }), at);
            Insert(c, unmount, "storage.unmount", JsonSerializer.Serialize(new { mountpoint }),
                JsonSerializer.Serialize(new { mountpoint, device, fstype = "ext4", removedFromFstab = false }), at);
            return unmount;
        }

        private static void Insert(SqliteConnection c, long id, string kind, string parameters, string result, string at)
        {
            using var insert = c.CreateCommand();
            insert.CommandText = """
                INSERT INTO tasks(id, kind, target, owner, parameters, state, progress, stage_index, stage_count, result, created_at, started_at, ended_at)
                VALUES ($id, $kind, 'station', 'admin', $parameters, 'succeeded', 1, 0, 0, $result, $at, $at, $at)
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$kind", kind);
            insert.Parameters.AddWithValue("$parameters", parameters);
            insert.Parameters.AddWithValue("$result", result);
            insert.Parameters.AddWithValue("$at", at);
            insert.ExecuteNonQuery();
        }
    }
}
