using System.Runtime.InteropServices;
using System.Text;

namespace Ccdsvm.Unit.Agent.Terminal;

/// <summary>
/// A Linux pseudo-terminal opened by P/Invoke (posix_openpt, grantpt, unlockpt, ptsname_r; TIOCSWINSZ to size it).
/// The agent keeps the slave side open too (close-on-exec, so no child inherits it): the master then never reads a
/// hang-up before the shell has opened its side, and the session ends when the shell exits, not when the pty closes.
/// </summary>
public sealed class PseudoTerminal : IDisposable
{
    private const int ORdWr = 0x2, ONoCtty = 0x100, OCloExec = 0x80000, ONonBlock = 0x800;
    private const nuint TiocSWinSz = 0x5414;
    private const short PollIn = 0x1;
    private const int EIntr = 4, EAgain = 11;

    private readonly int _master;
    private readonly int _slave;
    private int _disposed;

    private PseudoTerminal(int master, int slave, string slavePath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
    }

    /// <summary>The slave device the shell opens as its terminal, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    public static PseudoTerminal Open(int cols, int rows)
    {
        int master = posix_openpt(ORdWr | ONoCtty | OCloExec);
        if (master < 0) throw Failure("posix_openpt");
        try
        {
            if (grantpt(master) != 0) throw Failure("grantpt");
            if (unlockpt(master) != 0) throw Failure("unlockpt");
            var name = new byte[128];
            if (ptsname_r(master, name, (nuint)name.Length) != 0) throw Failure("ptsname_r");
            string path = Encoding.UTF8.GetString(name, 0, Array.IndexOf(name, (byte)0));
            int slave = open(path, ORdWr | ONoCtty | OCloExec | ONonBlock);
            if (slave < 0) throw Failure("open " + path);
            var pty = new PseudoTerminal(master, slave, path);
            pty.Resize(cols, rows);
            return pty;
        }
        catch
        {
            _ = close(master);
            throw;
        }
    }

    public void Resize(int cols, int rows)
    {
        var size = new WinSize { Rows = (ushort)rows, Cols = (ushort)cols, XPixel = 0, YPixel = 0 };
        if (ioctl(_master, TiocSWinSz, ref size) != 0) throw Failure("ioctl TIOCSWINSZ");
    }

    /// <summary>
    /// Waits up to <paramref name="waitMs"/> for output and reads it into <paramref name="buffer"/>: the count read, 0
    /// when none came in time, -1 when the terminal is gone.
    /// </summary>
    public int Read(byte[] buffer, int waitMs)
    {
        var fd = new PollFd { Fd = _master, Events = PollIn, REvents = 0 };
        int ready = poll(ref fd, 1, waitMs);
        if (ready < 0) return Marshal.GetLastPInvokeError() == EIntr ? 0 : -1;
        if (ready == 0) return 0;
        nint n = read(_master, buffer, (nuint)buffer.Length);
        if (n > 0) return (int)n;
        return n < 0 && Marshal.GetLastPInvokeError() is EIntr or EAgain ? 0 : -1;
    }

    /// <summary>Writes what was typed; false when the terminal is gone.</summary>
    public bool Write(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        int done = 0;
        while (done < copy.Length)
        {
            nint n = write(_master, copy[done..], (nuint)(copy.Length - done));
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr) continue;
                return false;
            }
            done += (int)n;
        }
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _ = close(_slave);
        _ = close(_master);
    }

    private static IOException Failure(string call) => new($"{call} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Cols;
        public ushort XPixel;
        public ushort YPixel;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    // DllImport rather than LibraryImport: the source-generated form needs AllowUnsafeBlocks for the project.
    [DllImport("libc", SetLastError = true)]
    private static extern int posix_openpt(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int grantpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlockpt(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int ptsname_r(int fd, byte[] buffer, nuint length);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, nuint request, ref WinSize size);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, nuint count, int timeoutMs);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nuint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nuint count);

    [DllImport("libc")]
    private static extern int close(int fd);
}
