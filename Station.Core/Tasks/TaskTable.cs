namespace Ccdsvm.Station.Core.Tasks;

/// <summary>An active task as the engine holds it: its row and what the station tracks about it beyond the row.</summary>
internal sealed class ActiveTask(TaskRow row)
{
    public TaskRow Row { get; set; } = row;
    public DateTimeOffset LastPersisted { get; set; }
    /// <summary>When set, the task is Interrupted at this time unless its agent claims it first.</summary>
    public DateTimeOffset? Deadline { get; set; }
    public string? DeadlineReason { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>The unit acknowledged the order; until then it is sent again now and then.</summary>
    public bool Received { get; set; }
}

/// <summary>
/// The task list in memory, shared by the engine's parts (admission, lifecycle, recovery, queries): the active
/// tasks, the free slots, each owner's count, the highest id given out, and the durable watermark (every task up
/// to it is on disk). Everything but the watermark is read and changed only under the store's write gate.
/// </summary>
internal sealed class TaskTable
{
    private readonly Dictionary<long, ActiveTask> _active = [];
    private readonly SortedSet<int> _freeSlots = [];
    private readonly Dictionary<string, int> _perOwner = new(StringComparer.Ordinal);
    private long _durableThrough;

    private readonly Func<string, string?> _routeOf;

    /// <param name="routeOf">The unit connected here through which a unit is reached (a mid station for a unit below it).</param>
    public TaskTable(int maxTasks, long lastId, Func<string, string?>? routeOf = null)
    {
        _routeOf = routeOf ?? (static unit => unit);
        MaxTasks = maxTasks;
        for (int i = 0; i < maxTasks; i++) _freeSlots.Add(i);
        LastId = lastId;
        _durableThrough = lastId;
        Rows = _active.Values.Select(a => a.Row);
    }

    public int MaxTasks { get; }

    /// <summary>The active tasks by id.</summary>
    public Dictionary<long, ActiveTask> Active => _active;

    /// <summary>The active tasks' rows, for quota reservations at admission; enumerated only under the gate.</summary>
    public IEnumerable<TaskRow> Rows { get; }

    /// <summary>The highest task id given out.</summary>
    public long LastId { get; set; }

    public bool Full => _active.Count >= MaxTasks;

    public int FreeSlotCount => _freeSlots.Count;

    public int LowestFreeSlot => _freeSlots.Min;

    public bool IsFree(int slot) => _freeSlots.Contains(slot);

    /// <summary>
    /// An active task that runs on <paramref name="unitId"/> or below it (a mid station relays its units' tasks): an agent
    /// may only report its own tasks.
    /// </summary>
    public ActiveTask? OwnedBy(string unitId, long taskId) =>
        _active.TryGetValue(taskId, out var a) && Reaches(unitId, a.Row.Target) ? a : null;

    /// <summary>Whether tasks aimed at <paramref name="target"/> go through the connection of <paramref name="unitId"/>.</summary>
    public bool Reaches(string unitId, string target) => target == unitId || _routeOf(target) == unitId;

    public int CountOf(string owner) => _perOwner.GetValueOrDefault(owner);

    public void TakeSlot(int slot, string owner)
    {
        _freeSlots.Remove(slot);
        _perOwner[owner] = _perOwner.GetValueOrDefault(owner) + 1;
    }

    public void FreeSlot(int slot, string owner)
    {
        if (slot >= 0 && slot < MaxTasks) _freeSlots.Add(slot);
        if (_perOwner.TryGetValue(owner, out var n)) _perOwner[owner] = n - 1;
    }

    /// <summary>
    /// Every task up to this id is on disk. A newer one is committed but waits for the WAL sync of its batch: it is
    /// not shown (task list, task view, lock table) before that, as nothing is announced before it is persisted.
    /// Read without the gate.
    /// </summary>
    public long DurableThrough => Volatile.Read(ref _durableThrough);

    /// <summary>Tasks up to <paramref name="id"/> are on disk (a sync covers every batch written before it, so the mark only rises).</summary>
    public void MarkDurable(long id)
    {
        long seen;
        while ((seen = Volatile.Read(ref _durableThrough)) < id && Interlocked.CompareExchange(ref _durableThrough, id, seen) != seen)
        {
        }
    }
}
