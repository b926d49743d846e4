using System.Diagnostics;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Bench;

/// <summary>
/// <c>Ccdsvm.Bench profile [concurrent] [memory|file] [rounds]</c>: admissions timed with a Stopwatch outside BenchmarkDotNet, a
/// workload to run under a profiler (dotnet-trace) to see where an admission's time goes.
/// </summary>
public static class Profile
{
    public static async Task RunAsync(bool concurrent, bool[] stores, int rounds)
    {
        using var ticks = Environment.GetEnvironmentVariable("PROFILE_ALLOCATIONS") == "1" ? new AllocationTicks() : null;
        foreach (bool durable in stores)
        {
            for (int round = 0; round < rounds; round++)
            {
                int count = int.TryParse(Environment.GetEnvironmentVariable("PROFILE_COUNT"), out var c) ? c : 6000;
                // The baseline of the same round: bare single-row commits on the same kind of store.
                Console.WriteLine($"durable={durable} round={round}: bare single-row commit {BareCommit(durable, count):0.0} us");
                using var h = new EngineHarness(durable, count + 10);
                var caller = new Caller("alice", false);
                var requests = Enumerable.Range(0, count).Select(i => EngineHarness.Request(i)).ToArray();
                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                if (concurrent)
                {
                    await Task.WhenAll(Enumerable.Range(0, 64).Select(s => Task.Run(async () =>
                    {
                        for (int i = s; i < count; i += 64) await h.Engine.SubmitAsync(requests[i], caller);
                    })));
                }
                else
                {
                    // Each admission's own time too: the median beside the mean shows what the rare slow ones (checkpoints) cost.
                    var each = new double[count];
                    for (int i = 0; i < count; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        await h.Engine.SubmitAsync(requests[i], caller);
                        each[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    }
                    Array.Sort(each);
                    Console.WriteLine($"  one admission: median {each[count / 2]:0.0} us, p90 {each[count * 9 / 10]:0.0} us, p99 {each[count * 99 / 100]:0.0} us, p99.9 {each[count * 999 / 1000]:0.0} us, max {each[^1]:0.0} us, mean {each.Average():0.0} us");
                }
                Console.WriteLine($"durable={durable} concurrent={concurrent} round={round}: {sw.Elapsed.TotalMicroseconds / count:0.0} us per admission, {count / sw.Elapsed.TotalSeconds:0} per second, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / count:0.0} us of CPU per admission, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / count} bytes allocated per admission");
            }
        }
        ticks?.Print(40);
    }

    /// <summary>Microseconds per bare single-row INSERT + commit (synchronous=FULL on a file), as AdmissionBenchmarks.BareCommit.</summary>
    private static double BareCommit(bool durable, int count)
    {
        var b = new AdmissionBenchmarks { Durable = durable };
        b.SetupBare();
        try
        {
            var sw = Stopwatch.StartNew();
            for (int done = 0; done < count; done += AdmissionBenchmarks.Batch) b.BareCommit();
            int commits = (count + AdmissionBenchmarks.Batch - 1) / AdmissionBenchmarks.Batch * AdmissionBenchmarks.Batch;
            return sw.Elapsed.TotalMicroseconds / commits;
        }
        finally { b.CleanupBare(); }
    }
}
