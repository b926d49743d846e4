using Ccdsvm.Unit.Agent.Security;

namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>Facts about a block device read from /dev and /sys.</summary>
public static class BlockDevice
{
    /// <summary>The device's real /dev path (through by-id links and the like), or null when it is no block device here.</summary>
    public static string? Canonical(string device)
    {
        if (!device.StartsWith("/dev/", StringComparison.Ordinal) || device.Contains('\0')) return null;
        string real = PathGuard.RealPath(Path.GetFullPath(device));
        return Directory.Exists(SysPath(real)) && File.Exists(real) ? real : null;
    }

    public static string Name(string device) => Path.GetFileName(device);

    public static string SysPath(string device) => Path.Combine("/sys/class/block", Name(device));

    public static string? MajorMinor(string device)
    {
        string dev = Path.Combine(SysPath(device), "dev");
        return File.Exists(dev) ? File.ReadAllText(dev).Trim() : null;
    }

    public static long SizeBytes(string device)
    {
        string size = Path.Combine(SysPath(device), "size");
        return File.Exists(size) && long.TryParse(File.ReadAllText(size).Trim(), out var sectors) ? sectors * 512 : 0;
    }

    /// <summary>Partition nodes the kernel made for this disk, with their numbers.</summary>
    public static IReadOnlyList<(int Number, string Node)> KernelPartitions(string device)
    {
        string sys = Path.Combine("/sys/block", Name(device));
        if (!Directory.Exists(sys)) return [];
        var list = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories(sys))
        {
            string partition = Path.Combine(dir, "partition");
            if (File.Exists(partition) && int.TryParse(File.ReadAllText(partition).Trim(), out var n))
                list.Add((n, "/dev/" + Path.GetFileName(dir)));
        }
        return list.OrderBy(p => p.Item1).ToList();
    }

    /// <summary>Devices stacked on this one (md arrays, device-mapper targets).</summary>
    public static IReadOnlyList<string> Holders(string device)
    {
        string holders = Path.Combine(SysPath(device), "holders");
        return Directory.Exists(holders) ? Directory.EnumerateFileSystemEntries(holders).Select(Path.GetFileName).OfType<string>().ToList() : [];
    }

    /// <summary>True when the kernel will not make partition nodes for this device (loop devices without partscan).</summary>
    public static bool LacksPartitionNodes(string device)
    {
        string partscan = Path.Combine("/sys/block", Name(device), "loop", "partscan");
        return File.Exists(partscan) && File.ReadAllText(partscan).Trim() == "0";
    }
}
