using System.Text.RegularExpressions;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Partition names as the kernel gives them: a disk whose name ends in a digit takes "p" before the number
/// (loop2p1, nvme0n1p1, mmcblk0p2), others take the number directly (sdb1, vda2, xvdf1). The station locks a
/// partition under its disk by this rule and the agent reads the same rule back, so both agree without
/// asking the unit which disk a partition belongs to.
/// </summary>
public static partial class DiskNames
{
    /// <summary>The disk and number of a partition name (no /dev/ prefix), or null when the name is no partition name.</summary>
    public static (string Disk, int Number)? Split(string name)
    {
        var m = DigitDisk().Match(name);
        if (!m.Success) m = LetterDisk().Match(name);
        if (!m.Success || !int.TryParse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture, out int n) || n < 1)
            return null;
        return (m.Groups[1].Value, n);
    }

    /// <summary>The name partition <paramref name="number"/> of <paramref name="disk"/> has (or would have, with partition nodes).</summary>
    public static string Partition(string disk, int number) =>
        disk.Length > 0 && char.IsAsciiDigit(disk[^1]) ? $"{disk}p{number}" : $"{disk}{number}";

    /// <summary>
    /// The part of a lock path under <c>disks/</c>: "sdb" for a disk, "sdb/sdb1" for a partition, so that a
    /// partition's lock sits below its disk's and an exclusive lock on the disk conflicts with it.
    /// </summary>
    public static string LockSegments(string device)
    {
        string name = device.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return Split(name) is { } p ? $"{p.Disk}/{name}" : name;
    }

    [GeneratedRegex(@"^([a-z][a-z0-9_-]*[0-9])p([0-9]{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex DigitDisk();

    [GeneratedRegex(@"^((?:sd|vd|hd|xvd)[a-z]{1,3})([0-9]{1,3})$", RegexOptions.CultureInvariant)]
    private static partial Regex LetterDisk();
}
