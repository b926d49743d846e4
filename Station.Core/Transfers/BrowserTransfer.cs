using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// One browser download or upload between its HTTP request and its task: the request waits for
/// <see cref="WaitStartAsync"/> (the task holds its slot and lock), streams while reporting bytes, and
/// <see cref="Finish"/>es; the task's executor returns that outcome. When the task ends first (cancelled, its
/// lock wait ran out), <see cref="Aborted"/> stops the stream.
/// </summary>
public sealed class BrowserTransfer(string id, string owner, Action<BrowserTransfer> onClose) : IDisposable
{
    private readonly TaskCompletionSource<bool> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Outcome<string?>> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _aborted = new();
    private long _done;
    private long _total = -1;

    public string Id { get; } = id;
    public string Owner { get; } = owner;
    public long TaskId { get; internal set; }
    public long Done => Interlocked.Read(ref _done);
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Cancelled when the task ended before the bytes did.</summary>
    public CancellationToken Aborted => _aborted.Token;

    internal Task<Outcome<string?>> Finished => _finished.Task;

    /// <summary>True once the task runs with its locks held; false when it ended before it could start.</summary>
    public Task<bool> WaitStartAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    internal void Start() => _started.TrySetResult(true);

    internal void TaskEnded()
    {
        _started.TrySetResult(false);
        if (!_finished.Task.IsCompleted) _aborted.Cancel();
    }

    public void Report(long done, long total)
    {
        Interlocked.Exchange(ref _done, done);
        if (total >= 0) Interlocked.Exchange(ref _total, total);
    }

    /// <summary>The HTTP side's end: the unit's status, the bytes moved and, on failure, why.</summary>
    public void Finish(string path, int status, string? error)
    {
        if (error is null && status is >= 200 and < 300)
            _finished.TrySetResult(FilesDownload.Contract.WriteResult(new FilesTransferResult(path, Done, status)));
        else
            _finished.TrySetResult(StationError.Conflict(error ?? $"the unit answered {status} after {Done:N0} bytes"));
    }

    public void Dispose()
    {
        // The token source has no timer, so it needs no disposing; a late TaskEnded may still cancel it.
        _finished.TrySetResult(StationError.Conflict("the HTTP request ended before the transfer finished"));
        onClose(this);
    }
}
