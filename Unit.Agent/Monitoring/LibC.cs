using System.Runtime.InteropServices;

namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>The few libc calls monitoring and process tasks need (Linux, 64-bit).</summary>
internal static class LibC
{
    public const int SIGHUP = 1, SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;
    public const int PRIO_PROCESS = 0;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfs
    {
        public ulong Bsize;
        public ulong Frsize;
        public ulong Blocks;
        public ulong Bfree;
        public ulong Bavail;
        public ulong Files;
        public ulong Ffree;
        public ulong Favail;
        public ulong Fsid;
        public ulong Flag;
        public ulong Namemax;
        private readonly int _spare0, _spare1, _spare2, _spare3, _spare4, _spare5;
    }

    // DllImport rather than LibraryImport: the source-generated form needs AllowUnsafeBlocks for the project.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true)]
    public static extern int statvfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out StatVfs buf);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static extern int kill(int pid, int sig);

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    public static extern int setpriority(int which, uint who, int prio);

    public static int Signal(string name) => name switch
    {
        "TERM" => SIGTERM,
        "KILL" => SIGKILL,
        "HUP" => SIGHUP,
        "STOP" => SIGSTOP,
        "CONT" => SIGCONT,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown signal"),
    };
}
