using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Small writes that arrive together commit together: the first caller in becomes the leader and writes every
/// waiting caller's statements in one transaction (one fsync under synchronous=FULL), each in its own savepoint so
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
    private bool _leading;
    private long _commits;

    /// <summary>Transactions committed so far (each carries one or more writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    private sealed class Pending(Action<SqliteConnection, SqliteTransaction> write)
    {
        public Action<SqliteConnection, SqliteTransaction> Write { get; } = write;
        public bool Done;
        public Exception? Error;
    }

    /// <summary>Runs <paramref name="write"/> in a shared transaction and returns once it committed; rethrows what the write threw.</summary>
    public void Write(Action<SqliteConnection, SqliteTransaction> write)
    {
        var mine = new Pending(write);
        List<Pending> batch;
        lock (_gate)
        {
            _waiting.Add(mine);
            while (!mine.Done && _leading) Monitor.Wait(_gate);
            if (mine.Done)
            {
                if (mine.Error is { } error) throw new InvalidOperationException(error.Message, error);
                return;
            }
            _leading = true;
            if (_waiting.Count <= MaxBatch)
            {
                batch = _waiting;
                _waiting = [];
            }
            else
            {
                // Oldest first, and ours among them.
                _waiting.Remove(mine);
                batch = [mine, .. _waiting.Take(MaxBatch - 1)];
                _waiting.RemoveRange(0, MaxBatch - 1);
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
        finally
        {
            lock (_gate)
            {
                foreach (var p in batch)
                {
                    p.Error ??= failed;
                    p.Done = true;
                }
                _leading = false;
                Monitor.PulseAll(_gate);
            }
        }
        if (mine.Error is { } own) throw new InvalidOperationException(own.Message, own);
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
