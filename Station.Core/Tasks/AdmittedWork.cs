using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The views and orders of a batch's granted tasks, built on a pool thread while the batch's WAL sync waits
/// for the disk. <see cref="Join"/> after the commit takes the result, or does the work itself if no pool
/// thread has started it (so a saturated pool never leaves the committing thread waiting for a queue).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Join, which every admitted batch calls exactly once, disposes _done after waiting on it.")]
internal sealed class AdmittedWork(TaskSender sender, List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> tasks, List<PendingSubmission> submissions,
    DateTimeOffset grantedAt)
    : IThreadPoolWorkItem
{
    private int _claimed;
    private readonly ManualResetEventSlim _done = new();
    private TaskView[]? _views;
    private ReadyOrder?[]? _orders;
    private Exception? _failure;

    public List<(TaskRow Row, IReadOnlyList<LockRequest> Plan)> Tasks => tasks;

    public void Execute()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0) return;
        try
        {
            var views = new TaskView[tasks.Count];
            // What the check already worked out (parsed parameters, the ticket's resources) is not worked out again.
            var ticketResources = new IReadOnlyList<string>?[views.Length];
            for (int i = 0; i < views.Length; i++)
            {
                views[i] = TaskQueries.AdmittedView(tasks[i].Row, tasks[i].Plan, grantedAt, submissions[i].Parameters);
                ticketResources[i] = submissions[i].TicketResources;
            }
            _views = views;
            _orders = sender.SignOrders(tasks, ticketResources);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException) { _failure = ex; }
        finally { _done.Set(); }
    }

    public (TaskView[] Views, ReadyOrder?[]? Orders) Join()
    {
        Execute();
        _done.Wait();
        _done.Dispose();
        // Signing failed (it should not): every order is built again, one by one, at its dispatch.
        if (_orders is null && _views is null) throw _failure!;
        return (_views!, _failure is null ? _orders : null);
    }
}
