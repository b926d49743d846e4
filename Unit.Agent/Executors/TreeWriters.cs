using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Microsoft.Win32.SafeHandles;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// The writers of a tree's small files (<see cref="TreeBundle"/>): the reader hands each file it received to one of a few
/// threads, the same thread for every file of one directory (a create takes its directory's lock, and ext4 allocates per
/// directory), which verifies it against the SHA-256 the source read and writes it with <c>O_EXCL</c>, its mode, and its
/// mtime last. The bytes handed over and not yet written are bounded (<see cref="BudgetBytes"/>). The first failure stops
/// the reader (<see cref="Failed"/>) and every writer, and is what <see cref="CompleteAsync"/> throws; without one, every
/// file handed over is written when it returns.
/// </summary>
internal sealed class TreeWriters : IDisposable
{
    /// <summary>Bytes handed over and not yet written, at most (in units of <see cref="UnitBytes"/>, a file rounded up).</summary>
    public const int BudgetBytes = 16 << 20;

    private const int UnitBytes = 16 << 10;

    private readonly string _temp;
    private readonly bool _verifies;
    private readonly BlockingCollection<Item>[] _queues;
    private readonly Task[] _done;
    private readonly SemaphoreSlim _room = new(BudgetBytes / UnitBytes);
    private readonly CancellationTokenSource _failed = new();
    private readonly object _gate = new();
    private Exception? _failure;
    private int _firstNotWritten = int.MaxValue;
    private string? _lastDirectory;
    private int _lastWriter;
    private int _written;

    private readonly record struct Item(int Index, DataEntry Entry, byte[] Buffer, int Units);

    /// <summary>How many writers a tree gets on this machine: two at least (one creates while the other is in the kernel), at most four.</summary>
    public static int DefaultCount => Math.Clamp(Environment.ProcessorCount, 2, 4);

    public TreeWriters(string temp, bool verifies, int count)
    {
        _temp = temp;
        _verifies = verifies;
        _queues = new BlockingCollection<Item>[count];
        _done = new Task[count];
        for (int i = 0; i < count; i++)
        {
            var queue = _queues[i] = new BlockingCollection<Item>(new ConcurrentQueue<Item>());
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _done[i] = finished.Task;
            // Dedicated threads: each create and write blocks in the kernel, which the thread pool should not wait on.
            new Thread(() => Run(queue, finished)) { IsBackground = true, Name = $"tree writer {i + 1}" }.Start();
        }
    }

    /// <summary>Cancelled at the first failure of a writer: the reader stops there.</summary>
    public CancellationToken Failed => _failed.Token;

    /// <summary>Files written so far.</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>After a failure, the listing index of the first file handed over that was not written (a retry resumes there); otherwise null.</summary>
    public int? FirstNotWritten
    {
        get { lock (_gate) return _failure is null ? null : _firstNotWritten; }
    }

    /// <summary>
    /// A buffer for a file of <paramref name="size"/> bytes and the 32-byte SHA-256 after them, once the bytes in flight
    /// leave room for it; hand it over with <see cref="Post"/>.
    /// </summary>
    public async ValueTask<byte[]> RentAsync(int size, CancellationToken ct)
    {
        int units = Units(size);
        for (int i = 0; i < units; i++)
        {
            if (!_room.Wait(0, CancellationToken.None)) await _room.WaitAsync(ct).ConfigureAwait(false);
        }
        return ArrayPool<byte>.Shared.Rent(size + BundleFormat.HashBytes);
    }

    /// <summary>Hands over file <paramref name="index"/> of the listing, its bytes and then the SHA-256 the source read in <paramref name="buffer"/> (from <see cref="RentAsync"/>).</summary>
    public void Post(int index, DataEntry entry, byte[] buffer)
    {
        string directory = Path.GetDirectoryName(entry.Path) ?? "";
        if (directory != _lastDirectory)
        {
            // The listing gives a directory's files together: the next directory goes to the next writer.
            _lastDirectory = directory;
            _lastWriter = (_lastWriter + 1) % _queues.Length;
        }
        _queues[_lastWriter].Add(new Item(index, entry, buffer, Units((int)entry.Size)));
    }

    /// <summary>Waits until every writer has written what it was handed; throws the first failure, if any.</summary>
    public async Task CompleteAsync()
    {
        foreach (var queue in _queues)
        {
            if (!queue.IsAddingCompleted) queue.CompleteAdding();
        }
        await Task.WhenAll(_done).ConfigureAwait(false);
        Exception? failure;
        lock (_gate) failure = _failure;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    private static int Units(int size) => 1 + size / UnitBytes;

    private void Run(BlockingCollection<Item> queue, TaskCompletionSource finished)
    {
        try
        {
            byte[] got = new byte[BundleFormat.HashBytes];
            using var sink = new SmallFileSink(_temp);
            foreach (var item in queue.GetConsumingEnumerable())
            {
                try
                {
                    if (_failed.IsCancellationRequested)
                    {
                        NotWritten(item.Index);
                        continue;
                    }
                    var bytes = item.Buffer.AsSpan(0, (int)item.Entry.Size);
                    if (_verifies)
                    {
                        SHA256.HashData(bytes, got);
                        if (!got.AsSpan().SequenceEqual(item.Buffer.AsSpan(bytes.Length, BundleFormat.HashBytes)))
                            throw new TaskFailureException($"'{item.Entry.Path}' arrived different from what the source read (SHA-256 mismatch); it was not kept");
                    }
                    sink.Write(item.Entry, item.Buffer);
                    Interlocked.Increment(ref _written);
                }
                catch (Exception ex)
                {
                    Fail(ex, item.Index);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(item.Buffer);
                    _room.Release(item.Units);
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex, 0);
        }
        finally
        {
            finished.TrySetResult();
        }
    }

    private void NotWritten(int index)
    {
        lock (_gate) _firstNotWritten = Math.Min(_firstNotWritten, index);
    }

    private void Fail(Exception ex, int index)
    {
        lock (_gate)
        {
            _failure ??= ex;
            _firstNotWritten = Math.Min(_firstNotWritten, index);
        }
        _failed.Cancel();
    }

    /// <summary>
    /// Writes one file of the hidden temporary tree where <see cref="SmallFileSink"/> has no system calls of its own. Only this task writes there; what an earlier attempt left at this name
    /// (a partial file, a link the source once listed here) is replaced, never written through.
    /// </summary>
    internal static void Write(string target, ReadOnlySpan<byte> bytes, DataEntry e)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException) when (File.Exists(target) || new FileInfo(target).LinkTarget is not null)
        {
            File.Delete(target);
            handle = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        using var owned = handle;
        RandomAccess.Write(handle, bytes, 0);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(handle, (UnixFileMode)e.Mode);
        // The mtime last: a file with the listed size and mtime is a complete one (TreeMove.IsComplete).
        File.SetLastWriteTimeUtc(handle, new DateTime(e.MtimeTicks, DateTimeKind.Utc));
    }

    public void Dispose()
    {
        foreach (var queue in _queues)
        {
            if (!queue.IsAddingCompleted) queue.CompleteAdding();
        }
        // Only after every writer has finished are the queues and the room theirs to drop.
        if (Task.WhenAll(_done).Wait(TimeSpan.FromMinutes(1)))
        {
            foreach (var queue in _queues) queue.Dispose();
            _room.Dispose();
            _failed.Dispose();
        }
    }
}
