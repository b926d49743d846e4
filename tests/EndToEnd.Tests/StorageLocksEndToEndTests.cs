using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Two users' storage tasks on one unit, through the real station and its agent on real loop devices:
/// different disks run side by side, the same disk serialises through its lock.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StorageLocksEndToEndTests
{
    private const string BobPassword = "bobs-storage-password";

    [Fact]
    public async Task TwoUsersMkfs_OnDifferentDisksRunTogether_OnTheSameDiskOneWaitsForTheOther()
    {
        Needs.RootAndStorageTools("this test makes loop devices with losetup for the station's agent to partition, format and mount");
        using var images = new TempDir("mkfs-images");
        string imageA = images.File("a.img"), imageB = images.File("b.img");
        foreach (var image in new[] { imageA, imageB })
            await using (var f = File.Create(image)) f.SetLength(1L << 30);
        string deviceA = (await HostTool.RunAsync("losetup", "--find", "--show", imageA)).Trim();
        string deviceB = "";
        try
        {
            deviceB = (await HostTool.RunAsync("losetup", "--find", "--show", imageB)).Trim();
            await using var station = await StationProcess.StartAsync(new StationSettings
            {
                Environment = new Dictionary<string, string> { ["Agent__Devices__0"] = "/dev/loop*" },
            });
            using var admin = await station.AdminAsync();
            await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
            await admin.CreateUserAsync("bob", BobPassword, "StorageAdmin");
            using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);

            // Different disks: both admitted straight to their agent, and their running times overlap.
            var both = await Task.WhenAll(
                admin.SubmitAsync("storage.mkfs", "station", new { device = deviceA, fstype = "ext4", force = true }),
                bob.SubmitAsync("storage.mkfs", "station", new { device = deviceB, fstype = "ext4", force = true }));
            Assert.All(both, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
            Assert.All(both, r => Assert.Equal("dispatched", r.Body.GetProperty("state").GetString()));
            var a = await admin.WaitForStateAsync(both[0].Body.GetProperty("id").GetInt64(), Timeouts.ShortTask, "succeeded");
            var b = await bob.WaitForStateAsync(both[1].Body.GetProperty("id").GetInt64(), Timeouts.ShortTask, "succeeded");
            Assert.True(Start(a) < End(b) && Start(b) < End(a), $"different disks did not run together: A {Start(a):O}–{End(a):O}, B {Start(b):O}–{End(b):O}");

            // The same disk, both sent at once (so neither can end before the other is admitted): whichever is admitted
            // second waits, naming the first and its owner, and starts only after the first has ended.
            var same = await Task.WhenAll(
                admin.SubmitAsync("storage.mkfs", "station", new { device = deviceA, fstype = "xfs", force = true }),
                bob.SubmitAsync("storage.mkfs", "station", new { device = deviceA, fstype = "ext4", force = true }));
            Assert.All(same, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
            var waiting = Assert.Single(same, r => r.Body.GetProperty("state").GetString() == "waitingForLocks");
            var holder = same.Single(r => r != waiting);
            long holderId = holder.Body.GetProperty("id").GetInt64(), waiterId = waiting.Body.GetProperty("id").GetInt64();
            string holderOwner = holder.Body.GetProperty("owner").GetString()!;
            Assert.Contains($"held by task {holderId} ({holderOwner}, storage.mkfs", waiting.Body.GetProperty("waitingFor").GetString());
            var one = await admin.WaitForStateAsync(holderId, Timeouts.ShortTask, "succeeded");
            var two = await admin.WaitForStateAsync(waiterId, Timeouts.ShortTask, "succeeded");
            Assert.True(Start(two) >= End(one), $"the same disk ran twice at once: first ended {End(one):O}, second started {Start(two):O}");
            string lastType = two.GetProperty("parameters").GetProperty("fstype").GetString()!;
            Assert.Contains($"TYPE={lastType}\n", await HostTool.RunAsync("blkid", "-p", "-o", "export", deviceA));
        }
        finally
        {
            await HostLoops.DetachAsync(deviceA, imageA);
            if (deviceB.Length > 0) await HostLoops.DetachAsync(deviceB, imageB);
        }
    }

    private static DateTimeOffset Start(JsonElement t) => t.GetProperty("startedAt").GetDateTimeOffset();
    private static DateTimeOffset End(JsonElement t) => t.GetProperty("endedAt").GetDateTimeOffset();
}
