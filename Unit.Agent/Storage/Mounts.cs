namespace Ccdsvm.Unit.Agent.Storage;

/// <summary>One line of /proc/self/mountinfo.</summary>
public sealed record MountEntry(string MajorMinor, string MountPoint, string FsType, string Source, string Options);

/// <summary>What is mounted where, read from the kernel rather than from mount(8) output.</summary>
public static class Mounts
{
    public static IReadOnlyList<MountEntry> Read()
    {
        var list = new List<MountEntry>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent maj:min root mountpoint options [optional fields…] - fstype source superoptions
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (f.Length < 7 || dash < 6 || dash + 2 >= f.Length) continue;
            list.Add(new MountEntry(f[2], Unescape(f[4]), f[dash + 1], Unescape(f[dash + 2]), f[5]));
        }
        return list;
    }

    public static MountEntry? At(string mountPoint)
    {
        string mp = mountPoint.Length > 1 ? mountPoint.TrimEnd('/') : mountPoint;
        return Read().LastOrDefault(m => m.MountPoint == mp);
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    internal static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }

    private static bool IsOctal(string s, int at) =>
        at + 3 <= s.Length && s.Substring(at, 3).All(c => c is >= '0' and <= '7');

    /// <summary>Swap areas in use, by device path.</summary>
    public static IReadOnlyList<string> Swaps() =>
        File.Exists("/proc/swaps")
            ? File.ReadLines("/proc/swaps").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList()
            : [];
}
