using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

public sealed class StorageKindTests
{
    private readonly TaskKindCatalog _catalog = new();

    private TaskKindDefinition Kind(string kind)
    {
        Assert.True(_catalog.TryGet(kind, out var d), $"{kind} is not in the catalog");
        return d;
    }

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private IReadOnlyList<LockRequest> Plan(string kind, string json)
    {
        var p = J(json);
        Assert.Null(Kind(kind).Validate(p));
        return Kind(kind).LockPlan("u1", p);
    }

    [Fact]
    public void Disk_work_locks_the_disk_exclusively()
    {
        Assert.Equal([new LockRequest("/units/u1/disks/sdb", LockMode.Exclusive)],
            Plan(TaskKinds.StoragePartition, """{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":100,"type":"efi"},{"sizeMiB":"rest"}]}"""));
        Assert.Equal([new LockRequest("/units/u1/disks/loop3", LockMode.Exclusive)],
            Plan(TaskKinds.StorageMkfs, """{"device":"/dev/loop3","fstype":"xfs","force":true}"""));
    }

    [Theory]
    [InlineData("/dev/sdb1", "/units/u1/disks/sdb/sdb1")]
    [InlineData("/dev/loop2p1", "/units/u1/disks/loop2/loop2p1")]
    [InlineData("/dev/nvme0n1p3", "/units/u1/disks/nvme0n1/nvme0n1p3")]
    [InlineData("/dev/mmcblk0p2", "/units/u1/disks/mmcblk0/mmcblk0p2")]
    [InlineData("/dev/xvdf1", "/units/u1/disks/xvdf/xvdf1")]
    [InlineData("/dev/nvme0n1", "/units/u1/disks/nvme0n1")]
    [InlineData("/dev/loop12", "/units/u1/disks/loop12")]
    [InlineData("/dev/md0", "/units/u1/disks/md0")]
    public void Partition_work_locks_the_partition_under_its_disk(string device, string resource) =>
        Assert.Equal([new LockRequest(resource, LockMode.Exclusive)], Plan(TaskKinds.StorageMkfs, $$"""{"device":"{{device}}","fstype":"ext4"}"""));

    [Fact]
    public void Raid_locks_every_member()
    {
        var plan = Plan(TaskKinds.StorageRaid, """{"level":"raid1","devices":["/dev/sdb","/dev/sdc"],"name":"data"}""");
        Assert.Equal(["/units/u1/disks/sdb", "/units/u1/disks/sdc"], plan.Select(l => l.Resource));
        Assert.All(plan, l => Assert.Equal(LockMode.Exclusive, l.Mode));
    }

    [Fact]
    public void Mount_locks_device_and_mount_point_unmount_the_mount_point()
    {
        Assert.Equal(
            [new LockRequest("/units/u1/disks/sdb/sdb1", LockMode.Exclusive), new LockRequest("/units/u1/fs/mnt/ccdsvm/data", LockMode.Exclusive)],
            Plan(TaskKinds.StorageMount, """{"device":"/dev/sdb1","mountpoint":"/mnt/ccdsvm/data/"}"""));
        Assert.Equal([new LockRequest("/units/u1/fs/mnt/ccdsvm/data", LockMode.Exclusive)],
            Plan(TaskKinds.StorageUnmount, """{"mountpoint":"/mnt/ccdsvm/data"}"""));
    }

    [Fact]
    public void Volume_work_locks_the_volume()
    {
        var expected = new LockRequest("/units/u1/volumes/alice/scratch", LockMode.Exclusive);
        Assert.Equal([expected], Plan(TaskKinds.StorageVolumeCreate, """{"sizeMiB":64,"fstype":"ext4","owner":"alice","name":"scratch"}"""));
        Assert.Equal([expected], Plan(TaskKinds.StorageVolumeResize, """{"sizeMiB":128,"owner":"alice","name":"scratch"}"""));
        Assert.Equal([expected], Plan(TaskKinds.StorageVolumeDelete, """{"owner":"alice","name":"scratch"}"""));
        Assert.Equal([new LockRequest("/units/u1/volumes", LockMode.Shared)], Plan(TaskKinds.StorageVolumeList, "{}"));
    }

    [Fact]
    public void File_reads_are_shared_writes_exclusive_and_copy_releases_its_source_after_stage_one()
    {
        Assert.Equal([new LockRequest("/units/u1/fs/srv/a", LockMode.Shared)], Plan(TaskKinds.FsStat, """{"path":"/srv/a"}"""));
        foreach (var (kind, json) in new[]
        {
            (TaskKinds.FsWrite, """{"path":"/srv/a","content":"x"}"""),
            (TaskKinds.FsMkdir, """{"path":"/srv/a"}"""),
            (TaskKinds.FsDelete, """{"path":"/srv/a","recursive":true}"""),
            (TaskKinds.FsChmod, """{"path":"/srv/a","mode":"0640"}"""),
            (TaskKinds.FsChown, """{"path":"/srv/a","user":"bob"}"""),
        })
            Assert.Equal([new LockRequest("/units/u1/fs/srv/a", LockMode.Exclusive)], Plan(kind, json));

        Assert.Equal(
            [new LockRequest("/units/u1/fs/srv/a", LockMode.Shared, 1), new LockRequest("/units/u1/fs/srv/b", LockMode.Exclusive)],
            Plan(TaskKinds.FsCopy, """{"from":"/srv/a","to":"/srv/b","recursive":true}"""));
        Assert.Equal(
            [new LockRequest("/units/u1/fs/srv/a", LockMode.Exclusive), new LockRequest("/units/u1/fs/srv/b", LockMode.Exclusive)],
            Plan(TaskKinds.FsRename, """{"from":"/srv/a","to":"/srv/b"}"""));
        Assert.Equal(2, Kind(TaskKinds.FsCopy).StageCount);
    }

    [Theory]
    [InlineData("""{"device":"/dev/sdb","table":"gpt"}""", "missing parameter 'partitions'")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":"all"}""", "parameter 'partitions' must be an array of objects")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[]}""", "parameter 'partitions' needs at least 1 item")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"type":"linux"}]}""", "missing field 'partitions[0].sizeMiB'")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":"lots"}]}""", "parameter 'partitions[0].sizeMiB' must be a number or \"rest\"")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":0}]}""", "parameter 'partitions[0].sizeMiB' must be at least 1")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":10,"type":"ntfs"}]}""", "parameter 'partitions[0].type' must be one of linux, swap, raid, efi; got 'ntfs'")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":10,"colour":"red"}]}""", "unknown field 'partitions[0].colour'")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":"rest"},{"sizeMiB":10}]}""", "only the last partition may take the \"rest\"")]
    [InlineData("""{"device":"/dev/sdb","table":"apple","partitions":[{"sizeMiB":"rest"}]}""", "parameter 'table' must be one of gpt, msdos; got 'apple'")]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[3]}""", "parameter 'partitions[0]' must be an object")]
    public void Partition_parameters_are_checked_with_clear_messages(string json, string expected)
    {
        string? problem = Kind(TaskKinds.StoragePartition).Validate(J(json));
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("""{"level":"raid1","devices":"/dev/sdb","name":"d"}""", "parameter 'devices' must be an array of strings")]
    [InlineData("""{"level":"raid1","devices":["/dev/sdb"],"name":"d"}""", "parameter 'devices' needs at least 2 items")]
    [InlineData("""{"level":"raid1","devices":["/dev/sdb",7],"name":"d"}""", "parameter 'devices[1]' must be a non-empty string")]
    [InlineData("""{"level":"raid5","devices":["/dev/sdb","/dev/sdc"],"name":"d"}""", "raid5 needs at least 3 devices")]
    [InlineData("""{"level":"raid1","devices":["/dev/sdb","/dev/sdb"],"name":"d"}""", "listed twice")]
    [InlineData("""{"level":"raid6","devices":["/dev/sdb","/dev/sdc"],"name":"d"}""", "parameter 'level' must be one of raid0, raid1, raid5, raid10")]
    [InlineData("""{"engine":"zfs","level":"raid1","devices":["/dev/sdb","/dev/sdc"],"name":"d"}""", "parameter 'engine' must be one of md, btrfs")]
    public void Raid_parameters_are_checked(string json, string expected)
    {
        string? problem = Kind(TaskKinds.StorageRaid).Validate(J(json));
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Other_kinds_check_their_parameters()
    {
        Assert.Contains("parameter 'fstype' must be one of ext4, xfs, btrfs", Kind(TaskKinds.StorageMkfs).Validate(J("""{"device":"/dev/sdb","fstype":"ntfs"}""")));
        Assert.Contains("parameter 'mode' must be 3 or 4 octal digits", Kind(TaskKinds.FsChmod).Validate(J("""{"path":"/a","mode":"rwx"}""")));
        Assert.Contains("give 'user', 'group' or both", Kind(TaskKinds.FsChown).Validate(J("""{"path":"/a"}""")));
        Assert.Contains("parameter 'sizeMiB' must be at least 16", Kind(TaskKinds.StorageVolumeCreate).Validate(J("""{"sizeMiB":1,"fstype":"ext4","owner":"a","name":"b"}""")));
        Assert.True(Kind(TaskKinds.StoragePartition).Destructive);
        Assert.True(Kind(TaskKinds.StorageMkfs).Destructive);
        Assert.Equal("Task.storage.volume.create", Kind(TaskKinds.StorageVolumeCreate).Privilege);
    }
}
