using Ccdsvm.Shared.Contracts;
using Xunit.Abstractions;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

public sealed class RaidAndVolumeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Btrfs_raid1_across_two_loops_mounts_writes_and_shows_in_inventory()
    {
        await using var lab = new StorageLab();
        string a = lab.CreateLoop(160);
        string b = lab.CreateLoop(160);
        var built = await lab.SucceedAsync(TaskKinds.StorageRaid, new { engine = "btrfs", level = "raid1", devices = new[] { a, b }, name = "mirror" });
        Assert.Equal("btrfs", built.GetProperty("engine").GetString());

        string mp = Path.Combine(lab.Options.MountRoot, "mirror");
        await lab.SucceedAsync(TaskKinds.StorageMount, new { device = a, mountpoint = mp });
        await lab.SucceedAsync(TaskKinds.FsWrite, new { path = $"{mp}/data.txt", content = "mirrored" });
        Assert.Equal("mirrored", File.ReadAllText($"{mp}/data.txt"));

        var inventory = await lab.SucceedAsync(TaskKinds.StorageInventory, new { });
        var array = inventory.GetProperty("arrays").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "mirror");
        Assert.Equal("raid1", array.GetProperty("level").GetString());
        Assert.False(array.GetProperty("degraded").GetBoolean());
        Assert.Equal(new[] { a, b }.Order(), array.GetProperty("members").EnumerateArray().Select(m => m.GetString()!).Order());
        Assert.Contains(inventory.GetProperty("fileSystems").EnumerateArray(), f => f.GetProperty("mountpoint").GetString() == mp && f.GetProperty("sizeBytes").GetInt64() > 0);

        // A member of the array is refused for other destructive work, even with force.
        string refused = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = b, fstype = "ext4", force = true });
        Assert.Contains("btrfs array", refused);
        await lab.SucceedAsync(TaskKinds.StorageUnmount, new { mountpoint = mp });
    }

    [Fact]
    public async Task Md_raid1_where_the_kernel_has_md()
    {
        if (!File.Exists("/proc/mdstat"))
        {
            output.WriteLine("SKIPPED: /proc/mdstat is absent, so this kernel has no md driver; md RAID is tested on hosts that have it. Checked instead: the refusal message.");
            await using var bare = new StorageLab();
            string x = bare.CreateLoop(32), y = bare.CreateLoop(32);
            string error = await bare.FailAsync(TaskKinds.StorageRaid, new { engine = "md", level = "raid1", devices = new[] { x, y }, name = "md0" });
            Assert.Contains("md RAID is not available", error);
            return;
        }
        Needs.Tools(["mdadm"]);
        await using var lab = new StorageLab();
        string a = lab.CreateLoop(64), b = lab.CreateLoop(64);
        try
        {
            await lab.SucceedAsync(TaskKinds.StorageRaid, new { engine = "md", level = "raid1", devices = new[] { a, b }, name = "ccdsvmtest" });
            var inventory = await lab.SucceedAsync(TaskKinds.StorageInventory, new { });
            Assert.Contains(inventory.GetProperty("arrays").EnumerateArray(), x => x.GetProperty("engine").GetString() == "md" && x.GetProperty("members").GetArrayLength() == 2);
        }
        finally
        {
            StorageLab.Try("mdadm", "--stop", "/dev/md/ccdsvmtest");
        }
    }

    [Fact]
    public async Task Volume_create_write_grow_and_delete()
    {
        await using var lab = new StorageLab(o => o.Roots = [Path.Combine(Path.GetTempPath(), "unused-root-" + Guid.NewGuid().ToString("N"))]);
        try
        {
            var created = await lab.SucceedAsync(TaskKinds.StorageVolumeCreate, new { sizeMiB = 64, fstype = "ext4", owner = "alice", name = "scratch" });
            string mp = created.GetProperty("mountpoint").GetString()!;
            string image = created.GetProperty("image").GetString()!;
            Assert.Equal(Path.Combine(lab.Options.MountRoot, "volumes", "alice", "scratch"), mp);
            Assert.True(File.Exists(image));
            Assert.Contains("nosuid", PartitionMkfsMountTests.MountFlags(mp));
            Assert.Contains("nodev", PartitionMkfsMountTests.MountFlags(mp));

            // The mounted volume counts as a root for file work.
            await lab.SucceedAsync(TaskKinds.FsWrite, new { path = $"{mp}/notes.txt", content = "in a volume" });
            long before = new DriveInfo(mp).TotalSize;

            var grown = await lab.SucceedAsync(TaskKinds.StorageVolumeResize, new { owner = "alice", name = "scratch", sizeMiB = 128 });
            long after = new DriveInfo(mp).TotalSize;
            Assert.True(after > before + 50L * 1024 * 1024, $"file system grew from {before} to {after}");
            Assert.Equal(128, grown.GetProperty("sizeMiB").GetInt64());
            Assert.Contains("nosuid", PartitionMkfsMountTests.MountFlags(mp));
            long dfBefore = before / (1024 * 1024);
            long dfAfter = long.Parse(StorageLab.Run("df", "-BM", "--output=size", mp).Split('\n')[1].Trim().TrimEnd('M'), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(dfAfter > dfBefore + 50, $"df shows {dfAfter} MiB after growing, {dfBefore} MiB before");
            Assert.Equal("in a volume", File.ReadAllText($"{mp}/notes.txt"));

            string shrink = await lab.FailAsync(TaskKinds.StorageVolumeResize, new { owner = "alice", name = "scratch", sizeMiB = 32 });
            Assert.Contains("only grows", shrink);

            var list = await lab.SucceedAsync(TaskKinds.StorageVolumeList, new { owner = "alice" });
            Assert.Single(list.GetProperty("volumes").EnumerateArray());

            var deleted = await lab.SucceedAsync(TaskKinds.StorageVolumeDelete, new { owner = "alice", name = "scratch" });
            string loop = deleted.GetProperty("detached").GetString()!;
            Assert.False(File.Exists(image));
            Assert.DoesNotContain(File.ReadAllText("/proc/self/mounts"), mp);
            Assert.DoesNotContain(await Ccdsvm.Unit.Agent.Storage.LoopDevices.ListAsync(CancellationToken.None), l => l.Name == loop && l.BackFile == image);
            Assert.Empty((await lab.SucceedAsync(TaskKinds.StorageVolumeList, new { })).GetProperty("volumes").EnumerateArray());
        }
        finally
        {
            foreach (var r in lab.Options.Roots) if (Directory.Exists(r)) Directory.Delete(r, true);
        }
    }
}
