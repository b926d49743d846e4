using System.Collections.Concurrent;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tests;

/// <summary>
/// Many threads, thousands of random plans, random stage releases and cancellations; after every step an
/// invariant checker proves no two tasks hold conflicting modes on one resource, and at the end every
/// request was granted or cancelled and nothing is left behind.
/// </summary>
public sealed class LockManagerStressTests
{
    private static readonly string[] Tree =
    [
        "/units/a", "/units/a/disks/x", "/units/a/disks/y", "/units/a/fs/p", "/units/a/fs/p/q",
        "/units/b", "/units/b/disks/x", "/units/b/fs/p/q", "/station/acl",
    ];

    [Fact]
    public void RandomPlansOnEightThreads_NeverConflict_AndEveryWaiterIsEventuallyServed()
    {
        var locks = new LockManager();
        const int threads = 8, perThread = 1000;
        long nextId = 0, grantedCount = 0, cancelled = 0, violations = 0;
        var holding = new ConcurrentDictionary<long, int>();
        var failures = new ConcurrentQueue<string>();

        void Check()
        {
            foreach (var (resource, holders) in locks.HoldersSnapshot())
            {
                var list = holders.ToList();
                for (int i = 0; i < list.Count; i++)
                    for (int j = i + 1; j < list.Count; j++)
                        if (!LockModes.IsCompatible(list[i].Value, list[j].Value))
                        {
                            Interlocked.Increment(ref violations);
                            failures.Enqueue($"{resource}: task {list[i].Key} {list[i].Value} with task {list[j].Key} {list[j].Value}");
                        }
            }
        }

        void OnGranted(IEnumerable<long> ids)
        {
            foreach (var id in ids) { holding[id] = 2; Interlocked.Increment(ref grantedCount); }
        }

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var rng = new Random(1000 + t);
            for (int i = 0; i < perThread; i++)
            {
                long id = Interlocked.Increment(ref nextId);
                var plan = Enumerable.Range(0, rng.Next(1, 4))
                    .Select(_ => new LockRequest(Tree[rng.Next(Tree.Length)], rng.Next(3) == 0 ? LockMode.Exclusive : LockMode.Shared, rng.Next(0, 3)))
                    .ToList();
                if (locks.Request(id, plan, DateTimeOffset.UtcNow)) OnGranted([id]);
                else holding[id] = 1;

                // Act on a random known task: a stage release, an end, or cancelling a waiter.
                long pick = Interlocked.Read(ref nextId) - rng.Next(0, 40);
                if (pick != 0 && holding.TryGetValue(pick, out var state))
                {
                    if (state == 2 && rng.Next(2) == 0) OnGranted(locks.Release(pick, rng.Next(1, 3), DateTimeOffset.UtcNow));
                    else if (state == 2 && holding.TryRemove(pick, out _)) OnGranted(locks.Remove(pick, DateTimeOffset.UtcNow));
                    else if (state == 1 && rng.Next(4) == 0 && locks.IsWaiting(pick) && holding.TryRemove(pick, out _))
                    {
                        Interlocked.Increment(ref cancelled);
                        OnGranted(locks.Remove(pick, DateTimeOffset.UtcNow));
                    }
                }
                if (i % 50 == 0) Check();
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        Assert.All(workers, w => Assert.True(w.Join(TimeSpan.FromSeconds(60)), "a worker did not finish"));
        Check();

        // Drain: end every holder until nobody waits; bounded so a starvation bug fails instead of hanging.
        for (int round = 0; round < 100_000 && !holding.IsEmpty; round++)
        {
            var holder = holding.FirstOrDefault(kv => kv.Value == 2).Key;
            if (holder == 0) break;
            holding.TryRemove(holder, out _);
            OnGranted(locks.Remove(holder, DateTimeOffset.UtcNow));
            if (round % 100 == 0) Check();
        }

        Assert.True(violations == 0, string.Join("\n", failures.Take(5)));
        Assert.Equal(0, locks.WaitingCount);
        Assert.Empty(holding);
        Assert.Empty(locks.Held());
        Assert.Empty(locks.HoldersSnapshot());
        Assert.Equal(threads * perThread, grantedCount + cancelled);
    }
}
