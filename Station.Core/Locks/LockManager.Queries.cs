namespace Ccdsvm.Station.Core.Locks;

public sealed partial class LockManager
{
    /// <summary>Every lock held, as plan entries (not the implied intention locks).</summary>
    public IReadOnlyList<HeldLock> Held()
    {
        lock (_gate)
        {
            return _tasks.Values.Where(t => t.Granted)
                .SelectMany(t => t.Remaining.Select(r => new HeldLock(r.Resource, r.Mode, t.TaskId, t.GrantedAt!.Value, r.ReleaseAfterStage)))
                .OrderBy(h => h.Resource, StringComparer.Ordinal).ThenBy(h => h.TaskId)
                .ToList();
        }
    }

    public IReadOnlyList<HeldLock> HeldBy(long taskId)
    {
        lock (_gate)
        {
            return _tasks.TryGetValue(taskId, out var t) && t.Granted
                ? t.Remaining.Select(r => new HeldLock(r.Resource, r.Mode, t.TaskId, t.GrantedAt!.Value, r.ReleaseAfterStage)).ToList()
                : [];
        }
    }

    /// <summary>
    /// Every waiting plan entry with the tasks in its way: holders of the resource or of an ancestor or
    /// descendant in a conflicting mode, or earlier waiters it queues behind.
    /// </summary>
    public IReadOnlyList<AwaitedLock> Waiting()
    {
        lock (_gate)
        {
            var result = new List<AwaitedLock>();
            foreach (var waiterId in _waitingBySeq.Values) AddAwaited(result, _tasks[waiterId]);
            return result;
        }
    }

    public IReadOnlyList<AwaitedLock> AwaitedBy(long taskId)
    {
        lock (_gate)
        {
            var result = new List<AwaitedLock>();
            if (_tasks.TryGetValue(taskId, out var t) && !t.Granted) AddAwaited(result, t);
            return result;
        }
    }

    private void AddAwaited(List<AwaitedLock> result, TaskLocks w)
    {
        foreach (var r in w.Remaining)
        {
            var blockers = new SortedSet<long>();
            var lineage = ResourcePath.Ancestors(r.Resource).Append(r.Resource).ToList();
            foreach (var path in lineage)
            {
                if (!_holders.TryGetValue(path, out var holders) || !w.Expanded.TryGetValue(path, out var wanted)) continue;
                foreach (var (holder, held) in holders)
                    if (holder != w.TaskId && !LockModes.IsCompatible(held, wanted)) blockers.Add(holder);
            }
            if (blockers.Count == 0)
            {
                // Nobody holds it against us: we queue behind an earlier waiter (first come, first served).
                foreach (var (seq, earlierId) in _waitingBySeq)
                {
                    if (seq >= w.Seq) break;
                    var e = _tasks[earlierId];
                    if (lineage.Any(p => e.Expanded.TryGetValue(p, out var em) && w.Expanded.TryGetValue(p, out var wm) && !LockModes.IsCompatible(em, wm)))
                        blockers.Add(earlierId);
                }
            }
            if (blockers.Count > 0) result.Add(new AwaitedLock(w.TaskId, r.Resource, r.Mode, [.. blockers], w.RequestedAt));
        }
    }

    /// <summary>For invariant checks: resource → (task → mode) of everything held, intention locks included.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<long, LockMode>> HoldersSnapshot()
    {
        lock (_gate)
        {
            return _holders.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<long, LockMode>)new Dictionary<long, LockMode>(kv.Value), StringComparer.Ordinal);
        }
    }

    public int WaitingCount { get { lock (_gate) return _waitingBySeq.Count; } }
}
