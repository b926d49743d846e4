using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>
/// Partitions of loop devices, which the kernel here gives no partition nodes: the agent reaches them through
/// loop devices of its own. They are allowed with their disk, shown as partitions of it, and detached when
/// the disk goes away or its table changes. Real loop devices; the lab detaches everything even on failure.
/// </summary>
public sealed class PartitionLoopTests
{
    private static readonly object[] TwoParts = [new { sizeMiB = 16, type = "linux" }, new { sizeMiB = "rest", type = "linux" }];

    [Fact]
    public async Task Partition_of_an_allowed_disk_is_formatted_by_the_node_the_result_reported()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(64);
        // Only this disk and its would-be partition nodes, as an operator would write it; not /dev/loop*.
        lab.Options.Devices = [disk, disk + "p*"];

        var parts = await PartitionAsync(lab, disk);
        string node = parts[0].GetProperty("node").GetString()!;
        string backing = parts[0].GetProperty("backingNode").GetString()!;
        Assert.Equal(disk + "p1", node);
        Assert.NotEqual(node, backing);

        var made = await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = node, fstype = "ext4" });
        Assert.Equal(node, made.GetProperty("device").GetString());
        Assert.Equal("ext4", StorageLab.FsType(backing));
        // The node the kernel would have named differently is the same partition, allowed the same.
        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = parts[1].GetProperty("backingNode").GetString()!, fstype = "ext4" });

        var inventory = await lab.SucceedAsync(TaskKinds.StorageInventory, new { });
        var shown = inventory.GetProperty("disks").EnumerateArray().Single(d => d.GetProperty("path").GetString() == disk);
        var p1 = shown.GetProperty("children").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Path.GetFileName(disk) + "p1");
        Assert.Equal((node, backing, "part"), (p1.GetProperty("path").GetString(), p1.GetProperty("backingNode").GetString(), p1.GetProperty("type").GetString()));
        Assert.DoesNotContain(inventory.GetProperty("disks").EnumerateArray(), d => d.GetProperty("path").GetString() == backing);
        var table = inventory.GetProperty("partitionTables").EnumerateArray().Single(t => t.GetProperty("device").GetString() == disk);
        Assert.Equal(node, table.GetProperty("partitions")[0].GetProperty("node").GetString());
    }

    [Fact]
    public async Task Partitions_of_a_disk_outside_the_allow_list_are_refused_by_either_name()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(64);
        var parts = await PartitionAsync(lab, disk);
        lab.Options.Devices = ["/dev/sdz*"];

        foreach (string device in new[] { parts[0].GetProperty("node").GetString()!, parts[0].GetProperty("backingNode").GetString()! })
        {
            string error = await lab.FailAsync(TaskKinds.StorageMkfs, new { device, fstype = "ext4" });
            Assert.Contains($"device '{device}' is not in this unit's allow-list, nor is {disk}, the disk it is a partition of", error);
        }
        Assert.Null(StorageLab.FsType(parts[0].GetProperty("backingNode").GetString()!));
    }

    [Fact]
    public async Task Detaching_the_disk_detaches_the_agents_partition_loops()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(64);
        var backing = (await PartitionAsync(lab, disk)).Select(p => p.GetProperty("backingNode").GetString()!).ToList();
        Assert.All(backing, b => Assert.Contains(b, Attached()));

        // By hand, behind the agent's back: the kernel only marks the disk, which the partition loops hold open.
        StorageLab.Run("losetup", "--detach", disk);
        await lab.SucceedAsync(TaskKinds.StorageInventory, new { });

        var left = await AttachedOnceGoneAsync([.. backing, disk]);
        Assert.All(backing, b => Assert.DoesNotContain(b, left));
        Assert.DoesNotContain(disk, left);
    }

    [Fact]
    public async Task Rewriting_the_table_by_hand_detaches_the_partition_loops_it_no_longer_has()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(64);
        var backing = (await PartitionAsync(lab, disk)).Select(p => p.GetProperty("backingNode").GetString()!).ToList();

        // Partition 1 stays where it was; partition 2 now starts later.
        StorageLab.RunWithInput("label: gpt\nstart=2048, size=16MiB, type=L\nstart=67584, type=L\n", "sfdisk", "--no-reread", disk);
        await lab.SucceedAsync(TaskKinds.StorageInventory, new { });

        var left = await AttachedOnceGoneAsync([backing[1]]);
        Assert.Contains(backing[0], left);
        Assert.DoesNotContain(backing[1], left);
    }

    private static async Task<List<JsonElement>> PartitionAsync(StorageLab lab, string disk) =>
        (await lab.SucceedAsync(TaskKinds.StoragePartition, new { device = disk, table = "gpt", partitions = TwoParts }))
            .GetProperty("partitions").EnumerateArray().ToList();

    /// <summary>
    /// The loop devices attached once <paramref name="gone"/> have left the list, or after 10 s. The kernel frees a
    /// detached loop device only when its last opener closes it (the inventory's blkid probe or udev's may be that
    /// opener), so the list is read until it settles; the devices must go, not merely be marked.
    /// </summary>
    private static async Task<List<string>> AttachedOnceGoneAsync(IReadOnlyList<string> gone)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var left = Attached();
        while (gone.Any(left.Contains) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            left = Attached();
        }
        return left;
    }

    /// <summary>The loop devices attached now, as losetup lists them.</summary>
    private static List<string> Attached()
    {
        using var doc = JsonDocument.Parse(StorageLab.Run("losetup", "-J"));
        return doc.RootElement.GetProperty("loopdevices").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).ToList();
    }
}
