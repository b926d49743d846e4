using System.Diagnostics;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Bench;

/// <summary><c>Ccdsvm.Bench profile</c>: a quick Stopwatch look at where an admission's time goes, outside BenchmarkDotNet.</summary>
public static class Profile
{
    public static async Task RunAsync()
    {
        foreach (bool durable in new[] { false, true })
        {
            for (int round = 0; round < 3; round++)
            {
                using var h = new EngineHarness(durable, 20010);
                var caller = new Caller("alice", false);
                var requests = Enumerable.Range(0, 5000).Select(i => EngineHarness.Request(i)).ToArray();
                var sw = Stopwatch.StartNew();
                foreach (var r in requests) await h.Engine.SubmitAsync(r, caller);
                Console.WriteLine($"durable={durable} round={round}: {sw.Elapsed.TotalMicroseconds / requests.Length:0.0} us per admission");
            }
        }
    }
}
