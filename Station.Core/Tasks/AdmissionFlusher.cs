using System.Collections.Concurrent;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Answers committed admission batches once the WAL holding them is synced, on a thread of its own, so the
/// leader writes the next batch while the disk works (a database's group commit with the flush apart from
/// the write lock). One sync covers every batch written before it started.
/// </summary>
internal sealed class AdmissionFlusher : IDisposable
{
    private readonly BlockingCollection<CommittedBatch> _queue = [];
    private readonly Thread _thread;

    public AdmissionFlusher(TaskAdmission admission)
    {
        _thread = new Thread(() =>
        {
            foreach (var batch in _queue.GetConsumingEnumerable()) admission.Answer(batch);
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
