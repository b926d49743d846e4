using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Shared.Contracts.Tests;

public sealed class DiskNamesTests
{
    [Theory]
    [InlineData("sdb1", "sdb", 1)]
    [InlineData("sdaa12", "sdaa", 12)]
    [InlineData("vda2", "vda", 2)]
    [InlineData("xvdf1", "xvdf", 1)]
    [InlineData("loop2p1", "loop2", 1)]
    [InlineData("loop10p3", "loop10", 3)]
    [InlineData("nvme0n1p2", "nvme0n1", 2)]
    [InlineData("mmcblk0p1", "mmcblk0", 1)]
    public void Partition_names_split_into_disk_and_number_and_back(string name, string disk, int number)
    {
        Assert.Equal((disk, number), DiskNames.Split(name));
        Assert.Equal(name, DiskNames.Partition(disk, number));
        Assert.Equal($"{disk}/{name}", DiskNames.LockSegments("/dev/" + name));
    }

    [Theory]
    [InlineData("sdb")]
    [InlineData("loop2")]
    [InlineData("nvme0n1")]
    [InlineData("md0")]
    [InlineData("dm-0")]
    [InlineData("loop2p0")]
    public void Disks_and_other_names_are_no_partitions(string name)
    {
        Assert.Null(DiskNames.Split(name));
        Assert.Equal(name, DiskNames.LockSegments("/dev/" + name));
    }
}
