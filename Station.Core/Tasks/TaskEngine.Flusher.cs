using System.Collections.Concurrent;
using Ccdsvm.Station.Core.Store;

namespace Ccdsvm.Station.Core.Tasks;

public sealed partial class TaskEngine
{
    // File stores only: admission batches commit without a sync of their own, and are answered once the WAL is synced.
    private readonly WalFlush? _walFlush;
    private readonly BatchFlusher? _flusher;

    /// <summary>The WAL flush of admissions on a file store (null in memory): what was written and what is on disk.</summary>
    internal WalFlush? AdmissionFlush => _walFlush;

    private long DurableThrough => _table.DurableThrough;

    private void MarkDurable(long id) => _table.MarkDurable(id);

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> (2 = FULL) between transactions.</summary>
    internal long WriterSynchronous()
    {
        lock (_gate)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "PRAGMA synchronous";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// Answers committed admission batches once the WAL holding them is synced, on a thread of its own, so the
    /// leader writes the next batch while the disk works (a database's group commit with the flush apart from
    /// the write lock). One sync covers every batch written before it started.
    /// </summary>
    private sealed class BatchFlusher : IDisposable
    {
        private readonly BlockingCollection<CommittedBatch> _queue = [];
        private readonly Thread _thread;

        public BatchFlusher(TaskEngine engine)
        {
            _thread = new Thread(() =>
            {
                foreach (var batch in _queue.GetConsumingEnumerable()) engine.Answer(batch);
            })
            { IsBackground = true, Name = "ccdsvm-admission-flush" };
            _thread.Start();
        }

        public void Add(CommittedBatch batch) => _queue.Add(batch);

        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            // Batches already handed over are still answered before the store closes.
            _queue.CompleteAdding();
            _thread.Join(TimeSpan.FromSeconds(30));
            _queue.Dispose();
        }
    }
}
