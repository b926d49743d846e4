using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// One component's task subscription, coalesced (issue 21.1). The handler the station's notifier calls, on the
/// publisher's thread (an agent's progress report), only records the update under its task's id and, when no flush is
/// pending, queues one flush on the thread pool; it never enters the circuit's renderer, so the report call returns at
/// once whatever the circuit does. The flush hops onto the renderer once and hands every pending update to the
/// component in one batch, so the component renders once for many updates.
/// <para>
/// The latest update of a task wins; the log lines of the updates it replaced are kept (at most <see cref="MaxLogLines"/>).
/// An update that ends a task (succeeded, failed, cancelled, interrupted: states that never change back) is never
/// dropped, and no update that does not end the task replaces it afterwards, pending or already applied (the last
/// <see cref="EndedRemembered"/> ended tasks are remembered for that). After <see cref="Dispose"/> nothing is applied.
/// </para>
/// </summary>
public sealed class LiveTaskUpdates : IDisposable
{
    /// <summary>The most log lines one task's pending update carries; a pane shows no more.</summary>
    public const int MaxLogLines = 500;

    /// <summary>How many ended tasks are remembered, so a progress report that raced a task's end does not bring it back.</summary>
    public const int EndedRemembered = 1024;

    private readonly object _gate = new();
    private readonly Func<Action, Task> _invoke;
    private readonly Func<Exception, Task> _fail;
    private readonly Action<IReadOnlyList<TaskUpdate>> _apply;
    private readonly IDisposable _subscription;
    private readonly Dictionary<long, TaskView> _ended = [];
    private readonly Queue<long> _endedOrder = new();
    private List<TaskUpdate> _pending = [];
    private readonly Dictionary<long, int> _pendingIndex = [];
    private bool _flushQueued;
    private bool _disposed;

    /// <param name="tasks">Where the updates come from.</param>
    /// <param name="invoke">The component's <c>InvokeAsync</c>: the flush applies the batch on its renderer.</param>
    /// <param name="fail">The component's <c>DispatchExceptionAsync</c>: a batch the component failed to apply goes to the circuit as its own errors do.</param>
    /// <param name="apply">Applies a batch (oldest first, one update per task) on the renderer and calls <c>StateHasChanged</c> as it sees fit.</param>
    /// <param name="wants">Run on the publisher's thread: updates of tasks the component does not show are not even recorded.</param>
    public LiveTaskUpdates(IConsoleTasks tasks, Func<Action, Task> invoke, Func<Exception, Task> fail,
        Action<IReadOnlyList<TaskUpdate>> apply, Func<TaskView, bool>? wants = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        _invoke = invoke;
        _fail = fail;
        _apply = apply;
        _subscription = tasks.SubscribeTasks(Record, wants);
    }

    /// <summary>Updates recorded and not yet applied (tests and benchmarks read it).</summary>
    public int PendingCount
    {
        get { lock (_gate) return _pending.Count; }
    }

    private void Record(TaskUpdate update)
    {
        bool queue;
        lock (_gate)
        {
            if (_disposed) return;
            long id = update.Task.Id;
            bool ends = TaskRuns.HasEnded(update.Task);
            if (!ends && _ended.TryGetValue(id, out var end))
            {
                // A report that raced the end: its lines are kept, its state is not.
                if (update.NewLogLines.Count == 0) return;
                update = new TaskUpdate(end, update.NewLogLines);
            }
            else if (ends) Remember(update.Task);

            if (_pendingIndex.TryGetValue(id, out int i)) _pending[i] = Merge(_pending[i], update);
            else
            {
                _pendingIndex[id] = _pending.Count;
                _pending.Add(update);
            }
            queue = !_flushQueued;
            _flushQueued = true;
        }
        if (queue) ThreadPool.UnsafeQueueUserWorkItem(static self => _ = self.FlushAsync(), this, preferLocal: false);
    }

    private void Remember(TaskView ended)
    {
        if (!_ended.ContainsKey(ended.Id))
        {
            _endedOrder.Enqueue(ended.Id);
            if (_endedOrder.Count > EndedRemembered) _ended.Remove(_endedOrder.Dequeue());
        }
        _ended[ended.Id] = ended;
    }

    /// <summary>The newer view (an ended one is never replaced by one that is not), with the log lines of both in order.</summary>
    private static TaskUpdate Merge(TaskUpdate older, TaskUpdate newer)
    {
        var view = TaskRuns.HasEnded(older.Task) && !TaskRuns.HasEnded(newer.Task) ? older.Task : newer.Task;
        IReadOnlyList<string> lines = newer.NewLogLines.Count == 0 ? older.NewLogLines
            : older.NewLogLines.Count == 0 ? newer.NewLogLines
            : [.. older.NewLogLines, .. newer.NewLogLines];
        if (lines.Count > MaxLogLines) lines = [.. lines.Skip(lines.Count - MaxLogLines)];
        return new TaskUpdate(view, lines);
    }

    private async Task FlushAsync()
    {
        try
        {
            await _invoke(ApplyPending).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Once disposed (the circuit went), there is nobody left to tell.
            if (!Volatile.Read(ref _disposed)) await _fail(ex).ConfigureAwait(false);
        }
    }

    /// <summary>On the renderer: takes everything pending and applies it in one batch; what comes meanwhile queues the next flush.</summary>
    private void ApplyPending()
    {
        List<TaskUpdate> batch;
        lock (_gate)
        {
            _flushQueued = false;
            if (_disposed || _pending.Count == 0) return;
            batch = _pending;
            _pending = [];
            _pendingIndex.Clear();
        }
        _apply(batch);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _pending = [];
            _pendingIndex.Clear();
            _ended.Clear();
            _endedOrder.Clear();
        }
        _subscription.Dispose();
    }
}
