using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>Destructive work refused with a reason, and nothing changed on disk.</summary>
public sealed class RefusalTests
{
    [Fact]
    public async Task Mkfs_on_a_mounted_device_is_refused()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(32);
        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "ext4" });
        string uuid = StorageLab.Run("blkid", "-p", "-o", "value", "-s", "UUID", disk).Trim();
        string mp = Path.Combine(lab.Options.MountRoot, "busy");
        await lab.SucceedAsync(TaskKinds.StorageMount, new { device = disk, mountpoint = mp });

        string error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "xfs", force = true });
        Assert.Contains("is mounted", error);
        Assert.Contains(mp, error);
        Assert.Equal(uuid, StorageLab.Run("blkid", "-p", "-o", "value", "-s", "UUID", disk).Trim());
        await lab.SucceedAsync(TaskKinds.StorageUnmount, new { mountpoint = mp });
    }

    [Fact]
    public async Task Mkfs_over_an_existing_file_system_needs_force()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(32);
        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "ext4" });
        string error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "btrfs" });
        Assert.Contains("holds data (ext4)", error);
        Assert.Contains("force: true", error);
        Assert.Equal("ext4", StorageLab.FsType(disk));
    }

    [Fact]
    public async Task Partition_of_a_device_outside_the_allow_list_is_refused()
    {
        await using var lab = new StorageLab(o => o.Devices = ["/dev/sdz*"]);
        string disk = lab.CreateLoop(32);
        string error = await lab.FailAsync(TaskKinds.StoragePartition, new { device = disk, table = "gpt", partitions = new object[] { new { sizeMiB = "rest" } } });
        Assert.Contains("not in this unit's allow-list", error);
        Assert.NotEqual(0, StorageLab.Try("sfdisk", "-J", disk).ExitCode);
    }

    [Fact]
    public async Task No_devices_at_all_when_the_allow_list_is_empty()
    {
        await using var lab = new StorageLab(o => o.Devices = []);
        string disk = lab.CreateLoop(32);
        string error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "ext4" });
        Assert.Contains("no devices are allowed on this unit: set Agent:Devices", error);
        Assert.Null(StorageLab.FsType(disk));
    }

    [Fact]
    public async Task Mount_point_outside_the_mount_root_is_refused()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(32);
        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = disk, fstype = "ext4" });
        string outside = Path.Combine(lab.Dir, "elsewhere");
        string error = await lab.FailAsync(TaskKinds.StorageMount, new { device = disk, mountpoint = outside });
        Assert.Contains("outside this unit's mount root", error);
        // A climbing spelling does not fit the kind's contract, read again at the unit.
        error = await lab.FailAsync(TaskKinds.StorageMount, new { device = disk, mountpoint = lab.Options.MountRoot + "/../elsewhere" });
        Assert.Contains("parameter 'mountpoint' contains a '.' or '..' segment", error);
        Assert.False(Directory.Exists(outside));
        Assert.DoesNotContain(disk + " ", File.ReadAllText("/proc/self/mounts"));
    }

    [Fact]
    public async Task Device_path_tricks_are_refused()
    {
        await using var lab = new StorageLab();
        // The contract, read again at the unit, refuses a climbing spelling and anything outside /dev.
        string error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = "/dev/loop0/../vda", fstype = "ext4" });
        Assert.Contains("parameter 'device' contains a '.' or '..' segment", error);
        error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = "/etc/passwd", fstype = "ext4" });
        Assert.Contains("parameter 'device' must name something under /dev/", error);
        // A device under /dev the unit's allow-list does not name is refused by the unit's own guard.
        error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device = "/dev/vda", fstype = "ext4" });
        Assert.Contains("allow-list", error);
    }
}
