using System.Collections.Concurrent;
using System.Diagnostics;
using Ccdsvm.Station.Core.Locks;
using Xunit.Abstractions;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Many threads issue random plans over a small tree, release random stages, end tasks and cancel random
/// waiters. Between batches a checker, with every worker paused, proves that no resource is held in
/// incompatible modes, that only granted tasks hold anything, and that no waiter is left with nothing in its
/// way (a lost wake-up). At the end every plan that was not cancelled while waiting had been granted.
/// </summary>
public class LockManagerStressTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int OpsPerThread = 1500;
    private const int BatchSize = 25;
    private const int MaxLivePerThread = 4;
    private static readonly TimeSpan WorkBudget = TimeSpan.FromSeconds(12);

    // Leaves and inner nodes of a small tree; whole units are rarer, as they block half of everything.
    private static readonly string[] Tree =
    [
        "/units/a/disks/x", "/units/a/disks/y", "/units/b/disks/x", "/units/b/disks/y",
        "/units/a/fs/p", "/units/b/fs/p", "/units/a/fs/p/q", "/units/b/fs/p/q",
        "/units/a/disks/x", "/units/a/disks/y", "/units/b/disks/x", "/units/b/disks/y",
        "/units/a/fs/p/q", "/units/b/fs/p/q", "/units/a/disks", "/units/a", "/units/b",
    ];

    private readonly LockManager _locks = new();
    private readonly ReaderWriterLockSlim _checkpoint = new();
    private readonly ConcurrentDictionary<long, byte> _granted = new();
    private readonly ConcurrentDictionary<long, byte> _cancelledWhileWaiting = new();
    private readonly ConcurrentDictionary<long, byte> _live = new();
    private long _nextId;
    private long _checks;
    private long _operations;
    private long _stageReleases;
    private long _ends;

    [Fact]
    public void RandomPlansReleasesAndCancels_NeverGrantIncompatibleModes_AndEveryPlanIsEventuallyGranted()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var errors = new ConcurrentQueue<Exception>();
        var deadline = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            try { Work(new Random(seed + i), deadline); }
            catch (Exception ex) { errors.Enqueue(ex); }
        }) { IsBackground = true, Name = $"stress-{i}" }).ToList();

        workers.ForEach(w => w.Start());
        foreach (var w in workers) Assert.True(w.Join(TimeSpan.FromSeconds(60)), "a worker did not finish");
        Assert.True(errors.IsEmpty, $"seed {seed}: " + string.Join("\n", errors));

        CheckInvariants();
        Drain(seed);

        Assert.Equal(0, _locks.WaitingCount);
        Assert.Empty(_locks.Held());
        Assert.Empty(_locks.HoldersSnapshot());
        long created = Interlocked.Read(ref _nextId);
        var neverGranted = Enumerable.Range(1, (int)created).Select(i => (long)i)
            .Where(id => !_granted.ContainsKey(id) && !_cancelledWhileWaiting.ContainsKey(id)).ToList();
        output.WriteLine($"{_operations} operations: {created} plans, {_granted.Count} granted, {_cancelledWhileWaiting.Count} cancelled while waiting, " +
            $"{_stageReleases} stage releases, {_ends} ends, {_checks} invariant checks, {deadline.Elapsed.TotalSeconds:0.0} s");
        Assert.True(neverGranted.Count == 0, $"seed {seed}: never granted: {string.Join(", ", neverGranted.Take(20))}");
        Assert.True(_granted.Count >= 1000, $"only {_granted.Count} of {created} plans were granted: too small a run to mean much");
        Assert.True(_checks >= _operations / BatchSize);
    }

    private void Work(Random rng, Stopwatch clock)
    {
        var mine = new List<long>();
        int done = 0;
        while (done < OpsPerThread && clock.Elapsed < WorkBudget)
        {
            bool acted;
            _checkpoint.EnterReadLock();
            try { acted = Step(rng, mine); }
            finally { _checkpoint.ExitReadLock(); }
            if (!acted)
            {
                // Everything of this thread waits: let the holders' threads run.
                Thread.Yield();
                continue;
            }
            Interlocked.Increment(ref _operations);
            if (++done % BatchSize == 0) CheckInvariants();
        }
        WindDown(mine, clock);
    }

    private bool Step(Random rng, List<long> mine)
    {
        mine.RemoveAll(id => !_locks.HasPlan(id));
        var holding = mine.Where(id => !_locks.IsWaiting(id)).ToList();
        var waiting = mine.Where(_locks.IsWaiting).ToList();
        int choice = rng.Next(100);
        IReadOnlyList<long> newlyGranted;
        long task;
        if (mine.Count < MaxLivePerThread && (choice < 40 || holding.Count == 0))
        {
            task = Interlocked.Increment(ref _nextId);
            _live[task] = 0;
            if (_locks.Request(task, RandomPlan(rng), DateTimeOffset.UtcNow)) _granted[task] = 0;
            mine.Add(task);
            return true;
        }
        if (waiting.Count > 0 && (choice >= 95 || holding.Count == 0))
        {
            if (choice < 90) return false;
            // A waiting task is cancelled.
            task = waiting[rng.Next(waiting.Count)];
            newlyGranted = _locks.Remove(task, DateTimeOffset.UtcNow);
            _cancelledWhileWaiting[task] = 0;
        }
        else if (holding.Count > 0 && choice < 65)
        {
            // A stage ends; plan entries tied to stage 0 stay until the task ends.
            task = holding[rng.Next(holding.Count)];
            newlyGranted = _locks.Release(task, rng.Next(1, 3), DateTimeOffset.UtcNow);
            Interlocked.Increment(ref _stageReleases);
        }
        else if (holding.Count > 0)
        {
            task = holding[rng.Next(holding.Count)];
            newlyGranted = _locks.Remove(task, DateTimeOffset.UtcNow);
            Interlocked.Increment(ref _ends);
        }
        else return false;

        Record(newlyGranted);
        if (!_locks.HasPlan(task)) _live.TryRemove(task, out _);
        return true;
    }

    /// <summary>Ends what this thread holds, so the others' waiters keep moving; its own waiters come through as they wind down too.</summary>
    private void WindDown(List<long> mine, Stopwatch clock)
    {
        var until = clock.Elapsed + TimeSpan.FromSeconds(5);
        while (clock.Elapsed < until)
        {
            mine.RemoveAll(id => !_locks.HasPlan(id));
            if (mine.Count == 0) return;
            var holder = mine.FirstOrDefault(id => !_locks.IsWaiting(id));
            if (holder == 0) { Thread.Yield(); continue; }
            _checkpoint.EnterReadLock();
            try
            {
                Record(_locks.Remove(holder, DateTimeOffset.UtcNow));
                _live.TryRemove(holder, out _);
            }
            finally { _checkpoint.ExitReadLock(); }
        }
    }

    private void Record(IReadOnlyList<long> newlyGranted)
    {
        foreach (var g in newlyGranted)
            Assert.True(_granted.TryAdd(g, 0), $"task {g} was granted twice");
    }

    private static List<LockRequest> RandomPlan(Random rng) =>
        Enumerable.Range(0, rng.Next(1, 4))
            .Select(_ => new LockRequest(Tree[rng.Next(Tree.Length)], rng.Next(2) == 0 ? LockMode.Shared : LockMode.Exclusive, rng.Next(0, 3)))
            .ToList();

    /// <summary>Runs with every worker paused, so the bookkeeping matches the manager exactly.</summary>
    private void CheckInvariants()
    {
        _checkpoint.EnterWriteLock();
        try
        {
            Interlocked.Increment(ref _checks);
            foreach (var (resource, holders) in _locks.HoldersSnapshot())
            {
                var list = holders.ToList();
                for (int i = 0; i < list.Count; i++)
                {
                    Assert.True(_granted.ContainsKey(list[i].Key), $"task {list[i].Key} holds {resource} without having been granted");
                    for (int j = i + 1; j < list.Count; j++)
                        Assert.True(LockModes.IsCompatible(list[i].Value, list[j].Value),
                            $"{resource}: task {list[i].Key} holds {list[i].Value} while task {list[j].Key} holds {list[j].Value}");
                }
            }
            var blocked = _locks.Waiting().Select(w => w.TaskId).ToHashSet();
            foreach (var id in _live.Keys)
            {
                if (!_locks.IsWaiting(id)) continue;
                Assert.False(_granted.ContainsKey(id), $"task {id} waits but was reported granted");
                Assert.True(blocked.Contains(id), $"task {id} waits with nothing in its way (lost wake-up)");
            }
        }
        finally { _checkpoint.ExitWriteLock(); }
    }

    /// <summary>Ends granted tasks one by one until nothing waits; a bounded number of rounds.</summary>
    private void Drain(int seed)
    {
        for (int round = 0; round < 10_000 && !_live.IsEmpty; round++)
        {
            foreach (var gone in _live.Keys.Where(id => !_locks.HasPlan(id)).ToList()) _live.TryRemove(gone, out _);
            var holder = _live.Keys.Order().FirstOrDefault(id => !_locks.IsWaiting(id));
            if (holder == 0)
            {
                Assert.True(_live.IsEmpty, $"seed {seed}: waiters {string.Join(", ", _live.Keys.Take(10))} are stuck with no holder");
                break;
            }
            Record(_locks.Remove(holder, DateTimeOffset.UtcNow));
            _live.TryRemove(holder, out _);
            CheckInvariants();
        }
        Assert.True(_live.IsEmpty, $"seed {seed}: drain did not finish");
    }
}
