namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>Lines the agent adds to fstab carry a marker, so it only ever removes its own.</summary>
public static class Fstab
{
    private const string Marker = "# ccdsvm";

    public static void Add(string fstab, string uuid, string mountpoint, string fstype, string options)
    {
        Remove(fstab, mountpoint);
        var lines = File.Exists(fstab) ? File.ReadAllLines(fstab).ToList() : [];
        lines.Add($"UUID={uuid} {mountpoint} {fstype} {options} 0 {(fstype == "xfs" || fstype == "btrfs" ? 0 : 2)} {Marker}");
        Write(fstab, lines);
    }

    public static bool Remove(string fstab, string mountpoint)
    {
        if (!File.Exists(fstab)) return false;
        var lines = File.ReadAllLines(fstab).ToList();
        int removed = lines.RemoveAll(l => l.EndsWith(Marker, StringComparison.Ordinal)
            && l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } f && f[1] == mountpoint);
        if (removed > 0) Write(fstab, lines);
        return removed > 0;
    }

    private static void Write(string fstab, List<string> lines)
    {
        // Written beside and renamed, so a crash never leaves a half-written fstab for the next boot.
        string temp = fstab + ".ccdsvm-tmp";
        File.WriteAllLines(temp, lines);
        File.Move(temp, fstab, overwrite: true);
    }
}
