using System.Runtime.InteropServices;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// How one writer of <see cref="TreeWriters"/> creates its files on Linux: <c>openat</c> below the descriptor of the
/// file's directory (kept open while that directory's files come, so no path is looked up again) with
/// <c>O_CREAT | O_EXCL | O_NOFOLLOW</c>, <c>pwrite</c>, <c>fchmod</c>, <c>futimens</c> (the mtime last, which marks a
/// complete file), <c>close</c>: five calls a file, where a <see cref="FileStream"/> handle adds a <c>fstat</c> and a
/// <c>flock</c>. A name an earlier attempt left (a partial file, a link) is unlinked and created again, never written
/// through. Failures are <see cref="IOException"/>s naming the file.
/// </summary>
internal sealed class SmallFileSink(string temp) : IDisposable
{
    private const int WriteOnly = 0x1, Create = 0x40, Exclusive = 0x80, Directory = 0x10000, NoFollow = 0x20000, CloseOnExec = 0x80000;
    private const int Exists = 17;
    private const long OmitTime = (1L << 30) - 2;

    private string? _directory;
    private int _fd = -1;

    public void Write(DataEntry e, byte[] buffer)
    {
        if (!OperatingSystem.IsLinux())
        {
            TreeWriters.Write(Path.Combine(temp, e.Path), buffer.AsSpan(0, (int)e.Size), e);
            return;
        }
        int slash = e.Path.LastIndexOf('/');
        string directory = slash < 0 ? "" : e.Path[..slash], name = e.Path[(slash + 1)..];
        int dir = DirectoryFd(directory);
        int fd = OpenAt(dir, name, WriteOnly | Create | Exclusive | NoFollow | CloseOnExec, 0b110_000_000);
        if (fd < 0 && Marshal.GetLastPInvokeError() == Exists)
        {
            if (UnlinkAt(dir, name, 0) != 0) throw Failed("replace", e.Path);
            fd = OpenAt(dir, name, WriteOnly | Create | Exclusive | NoFollow | CloseOnExec, 0b110_000_000);
        }
        if (fd < 0) throw Failed("create", e.Path);
        try
        {
            long done = 0;
            while (done < e.Size)
            {
                long n = done == 0 ? PWrite(fd, buffer, (nuint)e.Size, 0) : PWriteTail(fd, buffer, done, e.Size);
                if (n <= 0) throw Failed("write", e.Path);
                done += n;
            }
            if (FChmod(fd, e.Mode & 0xFFF) != 0) throw Failed("set the mode of", e.Path);
            long since = e.MtimeTicks - DateTime.UnixEpoch.Ticks;
            var times = new[] { new Timespec(0, OmitTime), new Timespec(Math.DivRem(since, TimeSpan.TicksPerSecond, out long rest), rest * 100) };
            if (since < 0 && times[1].Nanoseconds < 0) times[1] = new Timespec(times[1].Seconds - 1, times[1].Nanoseconds + 1_000_000_000);
            if (FutImens(fd, times) != 0) throw Failed("set the mtime of", e.Path);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static long PWriteTail(int fd, byte[] buffer, long done, long size)
    {
        var rest = buffer.AsSpan((int)done, (int)(size - done)).ToArray();
        return PWrite(fd, rest, (nuint)rest.Length, done);
    }

    private int DirectoryFd(string directory)
    {
        if (_fd >= 0 && directory == _directory) return _fd;
        CloseDirectory();
        string path = directory.Length == 0 ? temp : Path.Combine(temp, directory);
        _fd = Open(path, Directory | CloseOnExec, 0);
        if (_fd < 0) throw Failed("open the directory", directory);
        _directory = directory;
        return _fd;
    }

    private void CloseDirectory()
    {
        if (_fd >= 0) _ = Close(_fd);
        _fd = -1;
        _directory = null;
    }

    private static IOException Failed(string what, string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"could not {what} '{path}' in the temporary tree: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    public void Dispose() => CloseDirectory();

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    // DllImport rather than LibraryImport: the source-generated form needs AllowUnsafeBlocks for the project.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static extern int OpenAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int flags, int mode);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    private static extern int UnlinkAt(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int flags);

    [DllImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static extern long PWrite(int fd, byte[] buffer, nuint count, long offset);

    [DllImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static extern int FChmod(int fd, int mode);

    [DllImport("libc", EntryPoint = "futimens", SetLastError = true)]
    private static extern int FutImens(int fd, Timespec[] times);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
