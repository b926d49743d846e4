using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Group flush of the write-ahead log. A commit made with <c>synchronous=NORMAL</c> has written its WAL frames
/// but not synced them; <see cref="WaitDurable"/> returns once an <c>fdatasync</c> of the WAL that started
/// after that commit has finished, so the commit is on disk. One sync covers every commit written before it
/// started, and callers waiting meanwhile share the next one; the writer lock is not held while the disk
/// works, so the next batch is written during the sync. (A checkpoint syncs the WAL before it copies frames
/// into the database and syncs the database after, so frames a checkpoint moved are durable as well.)
/// </summary>
public sealed class WalFlush : IDisposable
{
    private readonly string _walPath;
    private readonly object _syncGate = new();
    private SafeFileHandle? _wal;
    private bool _disposed;
    private long _written;
    private long _synced;
    private long _syncs;

    /// <summary>
    /// Opens the WAL of <paramref name="databasePath"/> now when it exists: create this while the writer connection
    /// is open and has read the database, so the handle is the WAL that connection writes (SQLite removes or
    /// replaces a WAL only when its last connection closes). Otherwise the WAL is opened at the first sync.
    /// </summary>
    public WalFlush(string databasePath)
    {
        _walPath = databasePath + "-wal";
        if (File.Exists(_walPath)) _wal = Open();
    }

    /// <summary>Commits recorded by <see cref="Written"/> so far.</summary>
    public long WrittenThrough => Volatile.Read(ref _written);

    /// <summary>Every commit up to this number is on disk.</summary>
    public long SyncedThrough => Volatile.Read(ref _synced);

    /// <summary>How many times the WAL was synced (fewer than the commits when callers shared syncs).</summary>
    public long Syncs => Volatile.Read(ref _syncs);

    /// <summary>Records a commit whose frames are written (call after COMMIT returns); gives its number for <see cref="WaitDurable"/>.</summary>
    public long Written() => Interlocked.Increment(ref _written);

    /// <summary>
    /// Returns once commit <paramref name="commit"/> is on disk; throws <see cref="IOException"/> when the sync fails
    /// and <see cref="ObjectDisposedException"/> once the flush is closed.
    /// </summary>
    public void WaitDurable(long commit)
    {
        if (Volatile.Read(ref _synced) >= commit) return;
        lock (_syncGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_synced >= commit) return;
            // Every commit counted now has written its frames: the sync below covers them all.
            long upTo = Volatile.Read(ref _written);
            _wal ??= Open();
            if (fdatasync(_wal.DangerousGetHandle().ToInt32()) != 0)
                throw new IOException($"the task store's write-ahead log could not be synced to disk: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
            Interlocked.Increment(ref _syncs);
            Volatile.Write(ref _synced, upTo);
        }
    }

    public void Dispose()
    {
        lock (_syncGate)
        {
            _disposed = true;
            _wal?.Dispose();
            _wal = null;
        }
    }

    /// <summary>For tests: no sync starts until the returned object is disposed, on the thread that called this.</summary>
    internal IDisposable HoldSyncs()
    {
        Monitor.Enter(_syncGate);
        return new Release(_syncGate);
    }

    private sealed class Release(object gate) : IDisposable
    {
        public void Dispose() => Monitor.Exit(gate);
    }

    private SafeFileHandle Open() => File.OpenHandle(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);

    // DllImport rather than LibraryImport: the source-generated form needs AllowUnsafeBlocks for the project.
    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int fdatasync(int fd);
}
