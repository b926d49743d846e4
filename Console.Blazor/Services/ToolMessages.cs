using System.Text.RegularExpressions;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// Messages storage tools print that alarm people although nothing is wrong, each with what it means: shown beside
/// the log line in a task pane. <see cref="WhenSucceeded"/> is said when the task succeeded; <see cref="Otherwise"/>
/// while it runs or when it did not (null: the same words).
/// </summary>
public sealed record ToolMessage(Regex Pattern, string WhenSucceeded, string? Otherwise = null);

public static partial class ToolMessages
{
    public static IReadOnlyList<ToolMessage> Known { get; } =
    [
        new(RereadFailed(),
            "Harmless here: sfdisk wrote the table, but the kernel could not load it at once (the disk was in use, or the kernel makes no partitions for this kind of device, such as a loop device). The unit read the new table back from the disk and reached each partition through the kernel's nodes or a loop device of its own; the partitions shown are the new ones.",
            "sfdisk wrote the table, but the kernel could not load it at once (the disk was in use, or the kernel makes no partitions for this kind of device, such as a loop device). The unit next reads the table back from the disk and reaches each partition through the kernel's nodes or a loop device of its own: harmless if the task succeeds."),
        new(KernelOldTable(),
            "Harmless here: the unit read the new table back from the disk and reached its partitions itself, whatever the kernel still had loaded.",
            "The kernel keeps its old table until it reloads the disk; the unit reads the new table back from the disk itself, so this is harmless if the task succeeds."),
        new(DiskInUse(),
            "sfdisk saw the disk open (a mount or another program); the table was written because the task was started with force."),
        new(PmbrMismatch(),
            "The disk is larger than its old table says (it was grown, or the table came from a smaller disk); the new table covers the whole disk."),
        new(Discarding(),
            "Normal: mkfs tells the disk which blocks are free (TRIM) before it writes the file system."),
        new(ExistingFileSystem(),
            "The device held a file system before; it was replaced, as confirmed when the task was started."),
        new(SystemdFstab(),
            "Harmless: systemd reads /etc/fstab again on its next reload; the mount itself is done and kept in /etc/fstab."),
    ];

    /// <summary>What <paramref name="line"/> means, or null when it is no known message.</summary>
    public static string? Explain(string line, bool succeeded)
    {
        foreach (var m in Known)
            if (m.Pattern.IsMatch(line)) return succeeded ? m.WhenSucceeded : m.Otherwise ?? m.WhenSucceeded;
        return null;
    }

    [GeneratedRegex(@"Re-reading the partition table failed", RegexOptions.IgnoreCase)]
    private static partial Regex RereadFailed();

    [GeneratedRegex(@"kernel still uses the old table", RegexOptions.IgnoreCase)]
    private static partial Regex KernelOldTable();

    [GeneratedRegex(@"Checking that no-one is using this disk right now \.\.\. FAILED", RegexOptions.IgnoreCase)]
    private static partial Regex DiskInUse();

    [GeneratedRegex(@"GPT PMBR size mismatch", RegexOptions.IgnoreCase)]
    private static partial Regex PmbrMismatch();

    [GeneratedRegex(@"^\s*Discarding device blocks", RegexOptions.IgnoreCase)]
    private static partial Regex Discarding();

    [GeneratedRegex(@"contains an? \S+ file system|will be destroyed|appears to contain an existing filesystem", RegexOptions.IgnoreCase)]
    private static partial Regex ExistingFileSystem();

    [GeneratedRegex(@"your fstab has been modified, but systemd still uses the old version", RegexOptions.IgnoreCase)]
    private static partial Regex SystemdFstab();
}
