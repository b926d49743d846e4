using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.FleetLoad;

/// <summary>
/// A believable unit for each index: a mix of distributions and kernels, one to four disks (SATA or NVMe, some
/// partitioned and mounted), one or two interfaces with private addresses, and a root for the files it checksums.
/// Deterministic in the index, so a rerun announces the same fleet.
/// </summary>
public static class Inventories
{
    private static readonly (string Os, string Kernel)[] Systems =
    [
        ("Debian GNU/Linux 12 (bookworm)", "6.1.0-28-amd64"),
        ("Ubuntu 24.04.1 LTS", "6.8.0-49-generic"),
        ("Ubuntu 22.04.5 LTS", "5.15.0-126-generic"),
        ("Rocky Linux 9.5 (Blue Onyx)", "5.14.0-503.14.1.el9_5.x86_64"),
        ("Alpine Linux v3.20", "6.6.58-0-lts"),
        ("Debian GNU/Linux 12 (bookworm)", "6.1.0-28-arm64"),
    ];

    private static readonly string[] StorageTools = ["sfdisk", "wipefs", "mkfs.ext4", "mkfs.xfs", "mkfs.btrfs", "mdadm", "btrfs", "rsync"];

    private static readonly string[] Models = ["Samsung SSD 870 EVO 1TB", "WDC WD40EFRX-68N32N0", "INTEL SSDPE2KX010T8", "ST8000VN004-2M2101", "Micron_7450_MTFDKBG960TFR"];

    public static UnitInventory For(int index, string name, string root)
    {
        var rnd = new Random(index * 7919 + 17);
        var (os, kernel) = Systems[rnd.Next(Systems.Length)];
        int diskCount = 1 + rnd.Next(4);
        var disks = new List<DiskInfo>();
        bool nvme = rnd.Next(3) == 0;
        for (int d = 0; d < diskCount; d++)
        {
            string dev = nvme ? $"nvme{d}n1" : $"sd{(char)('a' + d)}";
            long size = (long)(new[] { 256, 480, 960, 2000, 4000, 8000 }[rnd.Next(6)]) * 1_000_000_000L;
            var children = new List<DiskInfo>();
            if (d == 0)
            {
                string p = nvme ? dev + "p" : dev;
                children.Add(new DiskInfo(p + "1", "/dev/" + p + "1", "part", 536_870_912, "vfat", ["/boot/efi"], null, null, []));
                children.Add(new DiskInfo(p + "2", "/dev/" + p + "2", "part", size - 536_870_912, "ext4", ["/"], null, null, []));
            }
            else if (rnd.Next(2) == 0)
            {
                string p = nvme ? dev + "p" : dev;
                children.Add(new DiskInfo(p + "1", "/dev/" + p + "1", "part", size, rnd.Next(2) == 0 ? "xfs" : "btrfs", [$"/srv/data{d}"], null, null, []));
            }
            disks.Add(new DiskInfo(dev, "/dev/" + dev, "disk", size, null, [], Models[rnd.Next(Models.Length)], $"SN{index:D6}{d}", children));
        }
        var interfaces = new List<NetworkInterfaceInfo>
        {
            new("lo", null, ["127.0.0.1", "::1"], true),
            new(rnd.Next(2) == 0 ? "eth0" : "enp3s0", Mac(index, 0), [$"10.{index / 65536 % 256}.{index / 256 % 256}.{index % 256}", $"fe80::{index:x}:1"], true),
        };
        if (rnd.Next(4) == 0) interfaces.Add(new("eth1", Mac(index, 1), [$"192.168.{index / 256 % 256}.{index % 256}"], rnd.Next(5) != 0));
        int cpus = new[] { 2, 4, 8, 16, 32, 64 }[rnd.Next(6)];
        long memory = cpus * (long)(new[] { 2, 4, 8 }[rnd.Next(3)]) * 1024 * 1024 * 1024;
        // Mixed capabilities: every unit runs the two kinds the generator answers; some have the storage tools, some not.
        string[] tools = [.. StorageTools.Where(_ => rnd.Next(3) != 0)];
        var (family, version) = os switch
        {
            var o when o.StartsWith("Debian", StringComparison.Ordinal) => ("debian", "12"),
            var o when o.StartsWith("Ubuntu 24", StringComparison.Ordinal) => ("ubuntu", "24.04"),
            var o when o.StartsWith("Ubuntu", StringComparison.Ordinal) => ("ubuntu", "22.04"),
            var o when o.StartsWith("Rocky", StringComparison.Ordinal) => ("rocky", "9.5"),
            _ => ("alpine", "3.20"),
        };
        var capabilities = new UnitCapabilities(family, version, kernel.EndsWith("arm64", StringComparison.Ordinal) ? "arm64" : "x64",
            [TaskKinds.FsChecksum, TaskKinds.MaintenanceHold], tools);
        return new UnitInventory(name, name, $"{name}.fleet.example", os, kernel, cpus, memory, disks, interfaces, [root],
            "fleetload-1.0", null, Capabilities: capabilities);
    }

    private static string Mac(int index, int n) =>
        $"52:54:{n:x2}:{index >> 16 & 0xff:x2}:{index >> 8 & 0xff:x2}:{index & 0xff:x2}";
}
