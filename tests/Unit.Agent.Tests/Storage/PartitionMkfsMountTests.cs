using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>The whole disk path on real loop devices: partition, mkfs, mount, write, list, unmount.</summary>
public sealed class PartitionMkfsMountTests
{
    [Fact]
    public async Task Partitions_formats_mounts_and_writes_into_both_partitions()
    {
        await using var lab = new StorageLab();
        // xfs needs at least 300 MiB, so the disk is large enough for a small ext4 and a 300+ MiB xfs.
        string disk = lab.CreateLoop(512);

        var parted = await lab.SucceedAsync(TaskKinds.StoragePartition, new
        {
            device = disk,
            table = "gpt",
            partitions = new object[] { new { sizeMiB = 160, type = "linux", name = "small" }, new { sizeMiB = "rest", type = "linux" } },
        });
        var parts = parted.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(2, parts.Count);
        Assert.Equal(1024 * 1024, parts[0].GetProperty("start").GetInt64());
        Assert.Equal(160L * 1024 * 1024, parts[0].GetProperty("size").GetInt64());
        Assert.Equal("linux", parts[1].GetProperty("type").GetString());
        string p1 = parts[0].GetProperty("node").GetString()!;
        string p2 = parts[1].GetProperty("node").GetString()!;
        Assert.Equal((disk + "p1", disk + "p2"), (p1, p2));
        // The kernel makes no partition nodes for loop devices here: loop devices of the agent's own stand for them.
        string b1 = parts[0].GetProperty("backingNode").GetString()!;
        string b2 = parts[1].GetProperty("backingNode").GetString()!;
        Assert.StartsWith("/dev/loop", b1);
        Assert.NotEqual(b1, b2);

        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = p1, fstype = "ext4", label = "small" });
        await lab.SucceedAsync(TaskKinds.StorageMkfs, new { device = p2, fstype = "xfs", label = "big" });

        string m1 = Path.Combine(lab.Options.MountRoot, "one");
        string m2 = Path.Combine(lab.Options.MountRoot, "two");
        await lab.SucceedAsync(TaskKinds.StorageMount, new { device = p1, mountpoint = m1 });
        await lab.SucceedAsync(TaskKinds.StorageMount, new { device = p2, mountpoint = m2, options = "noatime" });

        foreach (var m in new[] { m1, m2 })
        {
            // Mounted without set-user-ID programs and device files, whatever was asked.
            Assert.True(MountFlags(m).Contains("nosuid") && MountFlags(m).Contains("nodev"), $"{m}: {string.Join(',', MountFlags(m))}");
            await lab.SucceedAsync(TaskKinds.FsWrite, new { path = $"{m}/hello.txt", content = "hello " + m });
            var listed = await lab.SucceedAsync(TaskKinds.FsList, new { path = m });
            Assert.Contains(listed.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == "hello.txt" && e.GetProperty("size").GetInt64() == ("hello " + m).Length);
        }

        await lab.SucceedAsync(TaskKinds.StorageUnmount, new { mountpoint = m1 });
        await lab.SucceedAsync(TaskKinds.StorageUnmount, new { mountpoint = m2 });
        Assert.DoesNotContain(File.ReadAllText("/proc/self/mounts"), m1 + " ");

        // Checked from outside the agent.
        using var table = JsonDocument.Parse(StorageLab.Run("sfdisk", "-J", disk));
        var tableParts = table.RootElement.GetProperty("partitiontable").GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal("gpt", table.RootElement.GetProperty("partitiontable").GetProperty("label").GetString());
        Assert.Equal(2, tableParts.Count);
        Assert.Equal(2048, tableParts[0].GetProperty("start").GetInt64());
        Assert.Equal("ext4", StorageLab.FsType(b1));
        Assert.Equal("xfs", StorageLab.FsType(b2));
        Assert.Equal("small", StorageLab.Run("blkid", "-p", "-o", "value", "-s", "LABEL", b1).Trim());

        var state = File.ReadAllText(Path.Combine(lab.Options.DataDirectory!, "loop-partitions.json"));
        Assert.Contains(b1, state);
        Assert.Contains(b2, state);
    }

    [Fact]
    public async Task Msdos_table_with_swap_and_rest()
    {
        await using var lab = new StorageLab();
        string disk = lab.CreateLoop(64);
        var parted = await lab.SucceedAsync(TaskKinds.StoragePartition, new
        {
            device = disk,
            table = "msdos",
            partitions = new object[] { new { sizeMiB = 16, type = "swap" }, new { sizeMiB = "rest", type = "raid" } },
        });
        Assert.Equal("msdos", parted.GetProperty("table").GetString());
        var parts = parted.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(["swap", "raid"], parts.Select(p => p.GetProperty("type").GetString()));
        using var table = JsonDocument.Parse(StorageLab.Run("sfdisk", "-J", disk));
        Assert.Equal("dos", table.RootElement.GetProperty("partitiontable").GetProperty("label").GetString());

        // Partitioning again needs force (a table is data) and replaces the mapped partition loops.
        string refused = await lab.FailAsync(TaskKinds.StoragePartition, new { device = disk, table = "gpt", partitions = new object[] { new { sizeMiB = "rest" } } });
        Assert.Contains("force: true", refused);
        var again = await lab.SucceedAsync(TaskKinds.StoragePartition, new { device = disk, table = "gpt", partitions = new object[] { new { sizeMiB = "rest" } }, force = true });
        Assert.Single(again.GetProperty("partitions").EnumerateArray());
        var loops = await Ccdsvm.Unit.Agent.Storage.LoopDevices.ListAsync(CancellationToken.None);
        Assert.Single(loops, l => l.BackFile == disk);
    }

    /// <summary>The options the kernel reports for the mount at <paramref name="mountpoint"/>.</summary>
    internal static string[] MountFlags(string mountpoint) =>
        File.ReadAllLines("/proc/self/mounts").Select(l => l.Split(' ')).Where(f => f.Length > 3 && f[1] == mountpoint).Select(f => f[3].Split(',')).LastOrDefault() ?? [];
}
