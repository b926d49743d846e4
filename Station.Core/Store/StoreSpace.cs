using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Whether the store's file system has room: free space is read (statvfs) at most once a second, so a burst of
/// submissions costs one system call. Below <see cref="MinFreeBytes"/>, or after SQLite said the disk is full, new
/// tasks are refused with a message naming the directory and what to do; the refusal lifts by itself once space is back.
/// </summary>
public sealed class StoreSpace
{
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(1);
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long _readAt = long.MinValue;
    private long _free = long.MaxValue;

    /// <param name="directory">The store's directory; null for a store in memory (always has room).</param>
    public StoreSpace(string? directory, long minFreeBytes, TimeProvider? time = null)
    {
        Directory = directory;
        MinFreeBytes = minFreeBytes;
        _time = time ?? TimeProvider.System;
    }

    public string? Directory { get; }

    public long MinFreeBytes { get; }

    /// <summary>Null while there is room; otherwise why new tasks are refused.</summary>
    public string? Shortage()
    {
        if (Directory is null || MinFreeBytes <= 0) return null;
        long free = FreeBytes();
        return free >= MinFreeBytes ? null
            : $"the station's store is nearly full: {free / (1024 * 1024)} MiB free on the file system of {Directory}, at least {MinFreeBytes / (1024 * 1024)} MiB are kept " +
              "for the tasks already running (Station:MinFreeStoreMegabytes); free space there and new tasks are accepted again by themselves";
    }

    /// <summary>The refusal for a write SQLite could not make because the disk is full.</summary>
    public string FullMessage() =>
        $"the station's store is full: no space left on the file system of {Directory ?? "the store"}; nothing of this request was saved. " +
        "Free space there and new tasks are accepted again by themselves";

    /// <summary>True for SQLite's "database or disk is full" (SQLITE_FULL) anywhere in <paramref name="ex"/>'s chain.</summary>
    public static bool IsDiskFull(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is SqliteException { SqliteErrorCode: 13 }) return true;
        return false;
    }

    private long FreeBytes()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            if (_readAt != long.MinValue && _time.GetElapsedTime(_readAt, now) < ReadEvery) return _free;
            try { _free = new DriveInfo(Directory!).AvailableFreeSpace; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { _free = long.MaxValue; }
            _readAt = now;
            return _free;
        }
    }
}
