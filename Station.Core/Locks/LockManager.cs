namespace Ccdsvm.Station.Core.Locks;

/// <summary>
/// Hierarchical lock manager. Locks belong to tasks, not threads: any thread may acquire for a task and
/// any other may release for it. A plan is granted whole or not at all, so no deadlock can
/// form; waiting plans are served first come, first served, and a waiting plan blocks later plans that
/// conflict with it, so nothing starves. Thread-safe; every public member takes the manager's monitor.
/// </summary>
public sealed partial class LockManager
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<long, LockMode>> _holders = new(StringComparer.Ordinal);
    // Holders per mode for each resource: every active task holds an intention lock on "/" and "/units",
    // so conflict checks count modes instead of walking thousands of compatible holders.
    private readonly Dictionary<string, int[]> _modeCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TaskLocks> _tasks = [];
    private readonly SortedDictionary<long, long> _waitingBySeq = [];
    private long _seq;

    private sealed class TaskLocks(long taskId, List<LockRequest> plan, DateTimeOffset requestedAt, long seq)
    {
        public long TaskId { get; } = taskId;
        public List<LockRequest> Remaining { get; } = [.. plan];
        public DateTimeOffset RequestedAt { get; } = requestedAt;
        public DateTimeOffset? GrantedAt { get; set; }
        public long Seq { get; } = seq;
        // The plan with the intention locks on every ancestor; worked out again when a stage releases part of the plan.
        public Dictionary<string, LockMode> Expanded { get; set; } = Expand(plan);
        public bool Granted => GrantedAt is not null;
    }

    /// <summary>
    /// Asks for a whole plan. Returns true when granted at once; otherwise the task waits in FIFO order and
    /// is reported by a later <see cref="Release"/> or <see cref="Remove"/> call when granted.
    /// </summary>
    public bool Request(long taskId, IReadOnlyList<LockRequest> plan, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_tasks.ContainsKey(taskId)) throw new InvalidOperationException($"task {taskId} already has a lock plan");
            var t = new TaskLocks(taskId, Normalise(plan), now, ++_seq);
            _tasks[taskId] = t;
            if (CanGrant(t)) { Grant(t, now); return true; }
            _waitingBySeq[t.Seq] = taskId;
            return false;
        }
    }

    /// <summary>Restores a plan read back from the store after a restart, granted or waiting as it was.</summary>
    public void Restore(long taskId, IReadOnlyList<LockRequest> remaining, bool granted, DateTimeOffset requestedAt, DateTimeOffset? grantedAt)
    {
        lock (_gate)
        {
            var t = new TaskLocks(taskId, Normalise(remaining), requestedAt, ++_seq);
            _tasks[taskId] = t;
            if (granted) Grant(t, grantedAt ?? requestedAt);
            else _waitingBySeq[t.Seq] = taskId;
        }
    }

    /// <summary>
    /// Releases the locks tied to <paramref name="stage"/> (or every lock when null) and hands freed
    /// resources to waiters. Returns the tasks granted as a result, in grant order.
    /// </summary>
    public IReadOnlyList<long> Release(long taskId, int? stage, DateTimeOffset now) =>
        ReleaseWhere(taskId, r => stage is null || (r.ReleaseAfterStage != 0 && r.ReleaseAfterStage <= stage), now);

    /// <summary>Releases the held locks of a task that <paramref name="which"/> selects; returns the tasks granted as a result.</summary>
    public IReadOnlyList<long> ReleaseWhere(long taskId, Func<LockRequest, bool> which, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(taskId, out var t) || !t.Granted) return [];
            var gone = t.Remaining.Where(which).ToList();
            if (gone.Count == 0) return [];
            Unhold(t);
            // One lock at a time, in plan order, as the executor reported the stage done.
            foreach (var r in gone) t.Remaining.Remove(r);
            t.Expanded = Expand(t.Remaining);
            if (t.Remaining.Count == 0) _tasks.Remove(taskId);
            else Hold(t);
            return GrantWaiters(now);
        }
    }

    /// <summary>Drops a task entirely, waiting or holding (end, cancel, recovery). Returns tasks granted as a result.</summary>
    public IReadOnlyList<long> Remove(long taskId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_tasks.Remove(taskId, out var t)) return [];
            if (t.Granted) Unhold(t);
            else _waitingBySeq.Remove(t.Seq);
            return GrantWaiters(now);
        }
    }

    /// <summary>Grants whatever waiting plans can run now (after a restore). Returns them in grant order.</summary>
    public IReadOnlyList<long> Reexamine(DateTimeOffset now)
    {
        lock (_gate) return GrantWaiters(now);
    }

    public bool IsWaiting(long taskId)
    {
        lock (_gate) return _tasks.TryGetValue(taskId, out var t) && !t.Granted;
    }

    public bool HasPlan(long taskId)
    {
        lock (_gate) return _tasks.ContainsKey(taskId);
    }

    public IReadOnlyList<LockRequest> RemainingPlan(long taskId)
    {
        lock (_gate) return _tasks.TryGetValue(taskId, out var t) ? [.. t.Remaining] : [];
    }

    private static List<LockRequest> Normalise(IReadOnlyList<LockRequest> plan)
    {
        var normal = new List<LockRequest>(plan.Count);
        foreach (var r in plan)
        {
            var path = ResourcePath.Normalize(r.Resource);
            normal.Add(ReferenceEquals(path, r.Resource) ? r : r with { Resource = path });
        }
        bool distinct = true;
        for (int i = 0; i < normal.Count && distinct; i++)
            for (int j = i + 1; j < normal.Count; j++)
                if (normal[i].Resource == normal[j].Resource) { distinct = false; break; }
        if (distinct) return normal;

        // One entry per resource: the strongest mode and the latest release stage (0 = until the end).
        return plan
            .Select(r => r with { Resource = ResourcePath.Normalize(r.Resource) })
            .GroupBy(r => r.Resource, StringComparer.Ordinal)
            .Select(g => new LockRequest(g.Key,
                g.Select(r => r.Mode).Aggregate(LockModes.Combine),
                g.Any(r => r.ReleaseAfterStage == 0) ? 0 : g.Max(r => r.ReleaseAfterStage)))
            .ToList();
    }

    private static Dictionary<string, LockMode> Expand(List<LockRequest> plan)
    {
        // Sized once for a plan's resources and their usual ancestors, rather than grown twice on the way.
        var expanded = new Dictionary<string, LockMode>(plan.Count * 4, StringComparer.Ordinal);
        foreach (var r in plan)
        {
            Add(expanded, r.Resource, r.Mode);
            var intention = LockModes.IntentionFor(r.Mode);
            foreach (var a in ResourcePath.Ancestors(r.Resource)) Add(expanded, a, intention);
        }
        return expanded;

        static void Add(Dictionary<string, LockMode> d, string key, LockMode mode) =>
            d[key] = d.TryGetValue(key, out var m) ? LockModes.Combine(m, mode) : mode;
    }

    private bool CanGrant(TaskLocks t)
    {
        // Only called for tasks that hold nothing yet, so every counted holder is another task.
        foreach (var (resource, mode) in t.Expanded)
        {
            if (!_modeCounts.TryGetValue(resource, out var counts)) continue;
            for (int held = 0; held < counts.Length; held++)
                if (counts[held] > 0 && !LockModes.IsCompatible((LockMode)held, mode)) return false;
        }
        // First come, first served: an earlier waiter that conflicts goes first.
        foreach (var (seq, waiterId) in _waitingBySeq)
        {
            if (seq >= t.Seq) break;
            if (Conflicts(_tasks[waiterId].Expanded, t.Expanded)) return false;
        }
        return true;
    }

    private static bool Conflicts(Dictionary<string, LockMode> a, Dictionary<string, LockMode> b)
    {
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        foreach (var (resource, mode) in small)
            if (large.TryGetValue(resource, out var other) && !LockModes.IsCompatible(mode, other)) return true;
        return false;
    }

    private void Grant(TaskLocks t, DateTimeOffset now)
    {
        t.GrantedAt = now;
        Hold(t);
    }

    private void Hold(TaskLocks t)
    {
        foreach (var (resource, mode) in t.Expanded)
        {
            if (!_holders.TryGetValue(resource, out var holders))
            {
                _holders[resource] = holders = [];
                _modeCounts[resource] = new int[4];
            }
            holders[t.TaskId] = mode;
            _modeCounts[resource][(int)mode]++;
        }
    }

    private void Unhold(TaskLocks t)
    {
        foreach (var resource in t.Expanded.Keys)
        {
            if (!_holders.TryGetValue(resource, out var holders) || !holders.Remove(t.TaskId, out var mode)) continue;
            _modeCounts[resource][(int)mode]--;
            if (holders.Count == 0)
            {
                _holders.Remove(resource);
                _modeCounts.Remove(resource);
            }
        }
    }

    private List<long> GrantWaiters(DateTimeOffset now)
    {
        var granted = new List<long>();
        foreach (var (seq, waiterId) in _waitingBySeq.ToList())
        {
            var w = _tasks[waiterId];
            if (!CanGrant(w)) continue;
            _waitingBySeq.Remove(seq);
            Grant(w, now);
            granted.Add(waiterId);
        }
        return granted;
    }
}
