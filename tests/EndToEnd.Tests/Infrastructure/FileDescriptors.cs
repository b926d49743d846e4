using System.Runtime.InteropServices;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The open-file limit (RLIMIT_NOFILE) of the test process, which the station and agents it starts inherit: a test
/// holding a thousand connections needs both ends' descriptors, more than a default soft limit of 1,024 allows.
/// </summary>
public static class FileDescriptors
{
    private const int RlimitNofile = 7;

    /// <summary>The soft limit now.</summary>
    public static ulong Limit
    {
        get
        {
            var limit = new RLimit();
            return GetRLimit(RlimitNofile, ref limit) == 0 ? limit.Current : 0;
        }
    }

    /// <summary>
    /// Raises the soft limit to at least <paramref name="wanted"/> (up to the hard limit); returns the limit in force.
    /// Start the processes that need it afterwards: a child takes its limits when it starts.
    /// </summary>
    public static ulong EnsureAtLeast(ulong wanted)
    {
        var limit = new RLimit();
        if (GetRLimit(RlimitNofile, ref limit) != 0 || limit.Current >= wanted) return limit.Current;
        ulong before = limit.Current;
        limit.Current = Math.Min(wanted, limit.Maximum);
        // Refused (it cannot be, below the hard limit): the caller sees the limit unchanged and says so.
        return SetRLimit(RlimitNofile, ref limit) == 0 ? Limit : before;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetRLimit(int resource, ref RLimit limit);

    [DllImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static extern int SetRLimit(int resource, ref RLimit limit);
}
