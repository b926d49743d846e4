using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Security;

/// <summary>
/// Closes the gap between checking a path and using it. <see cref="PathGuard"/> resolves a path to one without
/// symbolic links and checks it; this opens that path with <c>openat2(RESOLVE_NO_SYMLINKS)</c>, which fails if
/// any component has meanwhile become a link, and hands the executor <see cref="Path"/>, a name under
/// <c>/proc/self/fd/N</c> that reaches the very inode (or directory) opened. A link swapped in after the check
/// therefore makes the task fail with a message; it never redirects the work.
/// </summary>
public sealed class PinnedPath : IDisposable
{
    private readonly int _fd;

    private PinnedPath(int fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>What to hand to file APIs instead of the checked path.</summary>
    public string Path { get; }

    /// <summary>The same place, for a child process of this agent (its /proc/self is its own).</summary>
    public string PathForChild => Path.Replace("/proc/self/", $"/proc/{Environment.ProcessId}/", StringComparison.Ordinal);

    /// <summary>Pins an existing file or directory itself: no component, the last included, may be a link.</summary>
    public static PinnedPath Target(string checkedPath)
    {
        int fd = Open(checkedPath, directory: false, checkedPath);
        return new PinnedPath(fd, $"/proc/self/fd/{fd}");
    }

    /// <summary>
    /// Pins the directory that holds <paramref name="checkedEntry"/> (which may not exist yet, or be a link
    /// that the work acts on itself); <see cref="Path"/> names the entry inside the pinned directory.
    /// </summary>
    public static PinnedPath Parent(string checkedEntry)
    {
        string parent = System.IO.Path.GetDirectoryName(checkedEntry) ?? "/";
        string name = System.IO.Path.GetFileName(checkedEntry);
        int fd = Open(parent, directory: true, checkedEntry);
        return new PinnedPath(fd, name.Length == 0 ? $"/proc/self/fd/{fd}" : $"/proc/self/fd/{fd}/{name}");
    }

    private static int Open(string path, bool directory, string shownPath)
    {
        var how = new OpenHow { Flags = OPath | OCloexec | (directory ? ODirectory : 0), Resolve = ResolveNoSymlinks | ResolveNoMagicLinks };
        long fd = syscall(SysOpenat2, AtFdcwd, path, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        if (fd >= 0) return (int)fd;
        int errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Eloop or Exdev => new TaskFailureException($"'{shownPath}' leads through a symbolic link that appeared after the unit checked it; nothing was done, run the task again"),
            Enoent => TaskFailureException.NotFound($"'{shownPath}' does not exist (it was removed while the task started)"),
            Enotdir => TaskFailureException.NotFound($"a part of '{shownPath}' is not a directory"),
            _ => new TaskFailureException($"cannot open '{shownPath}': {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
    }

    /// <summary>
    /// Opens the file <paramref name="relative"/> below this pinned directory for reading, in one system call: no component
    /// may be a link or lead out of it (<c>openat2</c> with <c>RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS</c>). A file that became a
    /// link, or vanished, since it was listed is an <see cref="IOException"/>.
    /// </summary>
    public SafeFileHandle OpenFileBelow(string relative)
    {
        var how = new OpenHow { Flags = OCloexec, Resolve = ResolveNoSymlinks | ResolveNoMagicLinks | ResolveBeneath };
        long fd = syscall(SysOpenat2, _fd, relative, ref how, (nuint)Marshal.SizeOf<OpenHow>());
        if (fd >= 0) return new SafeFileHandle(checked((IntPtr)fd), ownsHandle: true);
        int errno = Marshal.GetLastPInvokeError();
        throw new IOException(errno is Eloop or Exdev
            ? $"'{relative}' became a symbolic link, or leads out of the tree, since it was listed"
            : $"cannot open '{relative}': {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    public void Dispose() => _ = close(_fd);

    private const long SysOpenat2 = 437; // the same on x86_64 and arm64 (new system calls share one number)
    private const int AtFdcwd = -100;
    private const int Eloop = 40, Exdev = 18, Enoent = 2, Enotdir = 20;
    private const ulong OPath = 0x200000, OCloexec = 0x80000;
    private const ulong ResolveNoMagicLinks = 0x02, ResolveNoSymlinks = 0x04, ResolveBeneath = 0x08;
    private static readonly ulong ODirectory = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000UL : 0x10000UL;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern long syscall(long number, int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref OpenHow how, nuint size);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int close(int fd);
}
