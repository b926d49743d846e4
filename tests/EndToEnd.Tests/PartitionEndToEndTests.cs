using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Partitions of a loop device (the kernel here makes no partition nodes for them) through the real station
/// and its agent, with Agent:Devices naming only that device: the partition is formatted by the node the
/// partition task reported, it is locked under its disk, a device outside the list stays refused, and the
/// agent's partition loops are gone soon after the disk is detached by hand. Loops detached even on failure.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PartitionEndToEndTests
{
    [Fact]
    public async Task PartitionOfAnAllowedLoopDevice_IsFormattedByItsReportedNode_LockedUnderItsDisk_AndGoesWithTheDisk()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("partition-images");
        string image = images.File("disk.img"), otherImage = images.File("other.img");
        foreach (var f in new[] { image, otherImage })
            await using (var s = File.Create(f)) s.SetLength(64L << 20);
        string device = (await HostTool.RunAsync("losetup", "--find", "--show", image)).Trim();
        string other = "";
        try
        {
            other = (await HostTool.RunAsync("losetup", "--find", "--show", otherImage)).Trim();
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = device, ["Agent__Devices__1"] = device + "p*" },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);

            var parted = await RunAsync(admin, "storage.partition", new { device, table = "gpt", partitions = new object[] { new { sizeMiB = 16 }, new { sizeMiB = "rest" } } });
            var parts = parted.GetProperty("result").GetProperty("partitions").EnumerateArray().ToList();
            string node = parts[0].GetProperty("node").GetString()!;
            Assert.Equal(device + "p1", node);
            var backing = parts.Select(p => p.GetProperty("backingNode").GetString()!).ToList();

            var made = await RunAsync(admin, "storage.mkfs", new { device = node, fstype = "ext4" });
            Assert.Equal(node, made.GetProperty("result").GetProperty("device").GetString());
            Assert.Contains("TYPE=ext4\n", await HostTool.RunAsync("blkid", "-p", "-o", "export", backing[0]));

            // The partition's lock sits under its disk's: a hold on the disk keeps work on the partition waiting.
            long hold = await admin.StartAsync("maintenance.hold", "station", new { resource = "disks/" + Path.GetFileName(device), seconds = 600, reason = "test" });
            await admin.WaitForStateAsync(hold, Timeouts.ShortTask, "running");
            var waiting = await admin.SubmitAsync("storage.mkfs", "station", new { device = node, fstype = "ext4", force = true });
            Assert.Equal("waitingForLocks", waiting.Body.GetProperty("state").GetString());
            Assert.Contains($"held by task {hold}", waiting.Body.GetProperty("waitingFor").GetString());
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/tasks/{waiting.Body.GetProperty("id").GetInt64()}/cancel", null)).Status);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/v1/tasks/{hold}/cancel", null)).Status);
            await admin.WaitForStateAsync(hold, Timeouts.ShortTask, ApiClient.EndStates);

            // Named by the loop device standing for it, the partition would be locked beside its disk, not under it: refused with the name to use.
            var aliased = await RunAsync(admin, "storage.mkfs", new { device = backing[0], fstype = "ext4", force = true }, "failed");
            Assert.Contains($"name the partition as {node}", aliased.GetProperty("error").GetString());

            // A device the list does not name stays refused, and so would its partitions.
            var refused = await RunAsync(admin, "storage.partition", new { device = other, table = "gpt", partitions = new object[] { new { sizeMiB = "rest" } } }, "failed");
            Assert.Contains($"does not allow the device '{other}'", refused.GetProperty("error").GetString());

            // The disk detached by hand: the agent lets its partition loops go, and the kernel then frees the disk.
            await HostTool.RunAsync("losetup", "--detach", device);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            List<string> attached;
            while ((attached = await AttachedAsync()).Intersect(backing.Append(device)).Any())
                await Task.Delay(250, cts.Token);
        }
        finally
        {
            await CleanUpAsync(device, image);
            if (other.Length > 0) await HostLoops.DetachAsync(other, otherImage);
        }
    }

    private static async Task<JsonElement> RunAsync(ApiClient api, string kind, object parameters, string state = "succeeded")
    {
        long id = await api.StartAsync(kind, "station", parameters);
        var task = await api.WaitForStateAsync(id, Timeouts.ShortTask, ApiClient.EndStates);
        Assert.True(task.GetProperty("state").GetString() == state, $"{kind} ended {task.GetProperty("state").GetString()}, not {state}: {task}");
        return task;
    }

    private static async Task<List<string>> AttachedAsync()
    {
        using var doc = JsonDocument.Parse(await HostTool.RunAsync("losetup", "-J"));
        return doc.RootElement.TryGetProperty("loopdevices", out var l) ? l.EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToList() : [];
    }

    /// <summary>Detaches every loop device backed by the disk or its image (partition loops first), then the disk.</summary>
    private static async Task CleanUpAsync(string device, string image)
    {
        await HostLoops.DetachAsync(device, image);
    }
}
