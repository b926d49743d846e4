using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Small writes that arrive together commit together: one flusher writes every waiting caller's statements in
/// one transaction (one fsync under synchronous=FULL), each in its own savepoint so
/// one failing write fails only its own caller; the others wait for that commit and return once their write is on
/// disk. Alone, a write commits at once, as before. Made for presence (units going on- and offline, their inventory)
/// and the audit line of each connection: a connect storm of thousands of units then costs a few hundred commits,
/// not two per unit.
/// </summary>
public sealed class GroupCommit(StationDb db)
{
    /// <summary>At most this many writes go in one transaction, so no caller waits behind an unbounded batch.</summary>
    public const int MaxBatch = 512;

    private readonly object _gate = new();
    private List<Pending> _waiting = [];
    private bool _flushing;
    private long _commits;

    /// <summary>Transactions committed so far (each carries one or more writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private sealed class Pending(Action<SqliteConnection, SqliteTransaction> write)
    {
        public Action<SqliteConnection, SqliteTransaction> Write { get; } = write;
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Exception? Error;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a shared transaction; the task completes once it committed, or fails with what the
    /// write threw. Nothing blocks while it waits: a connect storm does not tie up the thread pool behind the disk.
    /// </summary>
    public Task WriteAsync(Action<SqliteConnection, SqliteTransaction> write)
    {
        var mine = new Pending(write);
        bool lead;
        lock (_gate)
        {
            _waiting.Add(mine);
            lead = !_flushing;
            _flushing = true;
        }
        if (lead) _ = Task.Run(Flush);
        return mine.Done.Task;
    }

    /// <summary>As <see cref="WriteAsync"/>, waiting: for callers that are synchronous themselves.</summary>
    public void Write(Action<SqliteConnection, SqliteTransaction> write) => WriteAsync(write).GetAwaiter().GetResult();

    private void Flush()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                if (_waiting.Count <= MaxBatch)
                {
                    batch = _waiting;
                    _waiting = [];
                }
                else
                {
                    batch = _waiting.GetRange(0, MaxBatch);
                    _waiting.RemoveRange(0, MaxBatch);
                }
            }
            Exception? failed = null;
            try
            {
                Commit(batch);
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
            {
                failed = ex;
            }
            foreach (var p in batch)
            {
                if ((p.Error ?? failed) is { } error) p.Done.TrySetException(new InvalidOperationException(error.Message, error));
                else p.Done.TrySetResult();
            }
        }
    }

    private void Commit(List<Pending> batch)
    {
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        foreach (var p in batch)
        {
            c.Execute("SAVEPOINT w", transaction: tx);
            try
            {
                p.Write(c, tx);
                c.Execute("RELEASE w", transaction: tx);
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException or ArgumentException)
            {
                c.Execute("ROLLBACK TO w; RELEASE w", transaction: tx);
                p.Error = ex;
            }
        }
        tx.Commit();
        Interlocked.Increment(ref _commits);
    }
}
