using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A unit's storage as views read it, through the real station and its agent on a real loop device: no task, no
/// lock, answered while a task holds the disk, and fresh after every storage task without anyone asking.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StorageViewEndToEndTests
{
    [Fact]
    public async Task StorageView_AnswersWhileTheDiskIsHeld_LeavesNoTask_AndFollowsMkfsByItself()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("storage-view");
        string image = images.File("a.img");
        await using (var f = File.Create(image)) f.SetLength(256L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string name = device["/dev/".Length..];
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*" },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            // The agent sent its storage on connect: the view has the loop device without any task.
            var first = await admin.GetAsync("/api/v1/units/station/storage");
            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.NotNull(Disk(first.Body, name));

            // A hold on the disk: reading the storage again is answered at once, and the hold is still running.
            long hold = await admin.StartAsync("maintenance.hold", "station", new { resource = $"disks/{name}", seconds = 600, reason = "storage view test" });
            await admin.WaitForStateAsync(hold, Timeouts.ShortTask, "running");
            var whileHeld = await admin.GetAsync("/api/v1/units/station/storage?refresh=true");
            Assert.Equal(HttpStatusCode.OK, whileHeld.Status);
            Assert.NotNull(Disk(whileHeld.Body, name));
            Assert.Equal("running", (await admin.TaskAsync(hold)).GetProperty("state").GetString());
            var tasks = await admin.GetAsync("/api/v1/tasks?target=station&limit=500");
            Assert.DoesNotContain(tasks.Body.EnumerateArray(), t => t.GetProperty("kind").GetString() == "storage.inventory");
            Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/tasks/{hold}/cancel", null)).Status);
            await admin.WaitForStateAsync(hold, Timeouts.ShortTask, "cancelled");

            // After a storage task the agent sends a new reading by itself: the view and the unit's disks show the file system.
            long mkfs = await admin.StartAsync("storage.mkfs", "station", new { device, fstype = "ext4", force = true });
            await admin.WaitForStateAsync(mkfs, Timeouts.ShortTask, "succeeded");
            var deadline = DateTimeOffset.UtcNow + Timeouts.ShortTask;
            string? viewType = null, unitType = null;
            while (DateTimeOffset.UtcNow < deadline && (viewType != "ext4" || unitType != "ext4"))
            {
                viewType = FsType(Disk((await admin.GetAsync("/api/v1/units/station/storage")).Body, name));
                unitType = FsType(Disk((await admin.GetAsync("/api/v1/units/station")).Body, name, "disks"));
                if (viewType != "ext4" || unitType != "ext4") await Task.Delay(200);
            }
            Assert.Equal("ext4", viewType);
            Assert.Equal("ext4", unitType);
        }
        finally
        {
            await HostLoops.DetachAsync(device, image);
        }
    }

    [Fact]
    public async Task UnitsInventory_FollowsMkfsMountAndUnmount_WithinSeconds_EvenWhileAViewerReadsDuringTheTask()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("inventory-refresh");
        using var mountRoot = new TempDir("inventory-mnt");
        string image = images.File("b.img");
        await using (var f = File.Create(image)) f.SetLength(128L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string name = device["/dev/".Length..];
        string mountPoint = Path.Combine(mountRoot.Path, "data");
        try
        {
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*", ["Agent__MountRoot"] = mountRoot.Path },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            // A viewer asks for the storage while mkfs runs: the reading it starts may predate the file system, and the
            // reading the agent pushes after the task must not be that one.
            long mkfs = await admin.StartAsync("storage.mkfs", "station", new { device, fstype = "ext4", force = true });
            var duringTask = admin.GetAsync("/api/v1/units/station/storage?refresh=true");
            await admin.WaitForStateAsync(mkfs, Timeouts.ShortTask, "succeeded");
            Assert.Equal(HttpStatusCode.OK, (await duringTask.WaitAsync(Timeouts.Request)).Status);
            Assert.Equal("ext4", await UntilAsync(admin, name, d => FsType(d) == "ext4", FsType));

            long mount = await admin.StartAsync("storage.mount", "station", new { device, mountpoint = mountPoint });
            await admin.WaitForStateAsync(mount, Timeouts.ShortTask, "succeeded");
            Assert.Contains(mountPoint, await UntilAsync(admin, name, d => MountPoints(d).Contains(mountPoint), d => string.Join(",", MountPoints(d))));

            long unmount = await admin.StartAsync("storage.unmount", "station", new { mountpoint = mountPoint });
            await admin.WaitForStateAsync(unmount, Timeouts.ShortTask, "succeeded");
            Assert.Equal("", await UntilAsync(admin, name, d => MountPoints(d).Count == 0, d => string.Join(",", MountPoints(d))));
        }
        finally
        {
            await HostTool.RunAsync("umount", [mountPoint], check: false);
            await HostLoops.DetachAsync(device, image);
        }
    }

    /// <summary>
    /// Reads the unit as the Units page does (the station's stored inventory, GET /api/v1/units/{id}) until the disk
    /// passes <paramref name="done"/>, at most 10 s; returns what <paramref name="show"/> says of it last.
    /// </summary>
    private static async Task<string?> UntilAsync(ApiClient admin, string name, Func<JsonElement?, bool> done, Func<JsonElement?, string?> show)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        JsonElement? disk;
        while (true)
        {
            disk = Disk((await admin.GetAsync("/api/v1/units/station")).Body, name, "disks");
            if (done(disk) || DateTimeOffset.UtcNow > deadline) return show(disk);
            await Task.Delay(100);
        }
    }

    private static List<string> MountPoints(JsonElement? disk) =>
        disk is { } d && d.TryGetProperty("mountPoints", out var m) && m.ValueKind == JsonValueKind.Array
            ? m.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

    [Fact]
    public async Task StorageView_RefusesAsTheInventoryTaskWould_AndHidesUnknownUnits()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings());
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        await admin.CreateUserAsync("auditor1", "auditor-password-1", "Auditor");
        using var auditor = await ApiClient.SignInAsync(station.BaseUrl, "auditor1", "auditor-password-1");

        var refused = await auditor.GetAsync("/api/v1/units/station/storage");
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("Task.storage.inventory", refused.Detail);
        var unknown = await admin.GetAsync("/api/v1/units/nowhere/storage");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("unit 'nowhere' is not known", unknown.Detail);
        var huge = await admin.GetAsync("/api/v1/units/" + new string('u', 5_000) + "/storage?refresh=true");
        Assert.Equal(HttpStatusCode.NotFound, huge.Status);
        var hugest = await admin.GetAsync("/api/v1/units/" + new string('u', 10_000) + "/storage?refresh=true");
        Assert.Equal(HttpStatusCode.RequestUriTooLong, hugest.Status);
        var climbing = await admin.GetAsync("/api/v1/units/..%2Fstation/storage");
        Assert.True(climbing.Status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, climbing.ToString());
        var search = await admin.GetAsync("/api/v1/tasks?q=" + new string('q', 5_000));
        Assert.Equal(HttpStatusCode.BadRequest, search.Status);
        Assert.Contains("longer than 200 characters", search.Detail);
    }

    private static JsonElement? Disk(JsonElement view, string name, string path = "storage")
    {
        var disks = path == "disks" ? view.GetProperty("disks") : view.GetProperty("storage").GetProperty("disks");
        foreach (var d in disks.EnumerateArray())
            if (d.GetProperty("name").GetString() == name) return d;
        return null;
    }

    private static string? FsType(JsonElement? disk) =>
        disk is { } d && d.GetProperty("fsType") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;
}
