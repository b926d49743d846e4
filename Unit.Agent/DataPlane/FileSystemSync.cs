using System.Runtime.InteropServices;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Makes everything written to one file system durable with one <c>syncfs</c>, where a tree of a hundred thousand
/// small files would otherwise take as many <c>fsync</c> calls.
/// </summary>
internal static class FileSystemSync
{
    private const int ReadOnly = 0, Directory = 0x10000;

    /// <summary>Syncs the file system holding <paramref name="directory"/>; an <see cref="IOException"/> when it cannot.</summary>
    public static void Sync(string directory)
    {
        int fd = Open(directory, ReadOnly | Directory);
        if (fd < 0) throw new IOException($"cannot open '{directory}' to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (SyncFs(fd) != 0) throw new IOException($"syncfs of '{directory}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport rather than LibraryImport: the source-generated form needs AllowUnsafeBlocks for the project.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Globalization", "CA2101", Justification = "Linux paths are bytes, passed as UTF-8 (LPUTF8Str); the rule asks for UTF-16, which libc does not take")]
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static extern int SyncFs(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
