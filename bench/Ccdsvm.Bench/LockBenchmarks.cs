using BenchmarkDotNet.Attributes;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Bench;

/// <summary>
/// Grant/release throughput of the in-memory lock manager under contention: 8 threads, each taking plans of
/// up to three locks over a small tree and releasing them, so many requests wait and are handed on.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 9)]
public class LockBenchmarks
{
    public const int PerThread = 5000;
    private const int Threads = 8;
    private static readonly string[] Tree =
        ["/units/a", "/units/a/disks/x", "/units/a/disks/y", "/units/a/fs/p", "/units/a/fs/p/q", "/units/b/disks/x", "/units/b/fs/p"];

    [Benchmark(OperationsPerInvoke = PerThread * Threads, Description = "grant+release, 8 threads, contended")]
    public void Contended()
    {
        var manager = new LockManager();
        long next = 0;
        var granted = new System.Collections.Concurrent.ConcurrentDictionary<long, bool>();
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var rng = new Random(t);
            for (int i = 0; i < PerThread; i++)
            {
                long id = Interlocked.Increment(ref next);
                var plan = Enumerable.Range(0, rng.Next(1, 4))
                    .Select(_ => new LockRequest(Tree[rng.Next(Tree.Length)], rng.Next(4) == 0 ? LockMode.Exclusive : LockMode.Shared))
                    .ToList();
                if (manager.Request(id, plan, DateTimeOffset.UtcNow))
                {
                    manager.Remove(id, DateTimeOffset.UtcNow);
                }
                else
                {
                    // Waiters are granted by other threads' releases; give up the wait to keep the run bounded.
                    manager.Remove(id, DateTimeOffset.UtcNow);
                }
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        threads.ForEach(th => th.Join());
        if (manager.WaitingCount != 0 || manager.Held().Count != 0) throw new InvalidOperationException("locks left behind");
    }
}
