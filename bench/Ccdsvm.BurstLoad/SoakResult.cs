using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.BurstLoad;

/// <summary>
/// What a soak saw: tasks done and their latency, errors, and the station's RSS (MB), open handles and threads over time.
/// A resource is <em>bounded</em> when the median of the last minute is at most 1.5 × the median of the first minute
/// after the warm-up, plus a slack (RSS 64 MB, handles 32, threads 16).
/// </summary>
public sealed class SoakResult
{
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly List<(TimeSpan At, double RssMb, int Handles, long Threads)> _samples = [];
    private int _errorCount;

    public const double GrowthFactor = 1.5;
    public static readonly IReadOnlyDictionary<string, double> Slack = new Dictionary<string, double>(StringComparer.Ordinal) { ["rssMb"] = 64, ["handles"] = 32, ["threads"] = 16 };

    public int Tasks => _latencies.Count;
    public int Errors => _errorCount;
    public IReadOnlyCollection<string> FirstErrors => _errors;
    public TimeSpan Elapsed { get; internal set; }
    public TimeSpan WarmUp { get; internal init; }

    internal void Done(double milliseconds) => _latencies.Add(milliseconds);

    internal void Error(string reason)
    {
        Interlocked.Increment(ref _errorCount);
        if (_errors.Count < 10) _errors.Enqueue(reason);
    }

    internal void Sample(TimeSpan at, double rssMb, int handles, long threads) { lock (_samples) _samples.Add((at, rssMb, handles, threads)); }

    public double LatencyPercentile(double p)
    {
        var sorted = _latencies.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>For "rssMb", "handles" or "threads": first-minute median, last-minute median, their ratio, the max, the bound and whether it held.</summary>
    public (double First, double Last, double Ratio, double Max, double Bound, bool Bounded) Growth(string resource)
    {
        List<(TimeSpan At, double Value)> values;
        lock (_samples) values = [.. _samples.Select(s => (s.At, resource switch { "rssMb" => s.RssMb, "handles" => s.Handles, _ => (double)s.Threads }))];
        var afterWarmUp = values.Where(v => v.At >= WarmUp).ToList();
        if (afterWarmUp.Count == 0) return (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, false);
        var first = Median(afterWarmUp.Where(v => v.At < WarmUp + TimeSpan.FromMinutes(1)).Select(v => v.Value));
        var lastStart = afterWarmUp[^1].At - TimeSpan.FromMinutes(1);
        var last = Median(afterWarmUp.Where(v => v.At >= lastStart).Select(v => v.Value));
        double bound = first * GrowthFactor + Slack[resource];
        return (first, last, last / first, values.Max(v => v.Value), bound, last <= bound);
    }

    public bool AllBounded => Slack.Keys.All(r => Growth(r).Bounded);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        tasks = Tasks, errors = Errors, seconds = Math.Round(Elapsed.TotalSeconds, 1), perSecond = Math.Round(Tasks / Math.Max(Elapsed.TotalSeconds, 0.001), 1),
        p50Ms = Math.Round(LatencyPercentile(50)), p99Ms = Math.Round(LatencyPercentile(99)),
        resources = Slack.Keys.ToDictionary(r => r, r => { var g = Growth(r); return new { first = Math.Round(g.First, 1), last = Math.Round(g.Last, 1), ratio = Math.Round(g.Ratio, 3), max = Math.Round(g.Max, 1), bound = Math.Round(g.Bound, 1), bounded = g.Bounded }; }),
        firstErrors = FirstErrors,
    });

    public override string ToString()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"{Tasks} tasks succeeded in {Elapsed.TotalSeconds:0.0} s ({Tasks / Math.Max(Elapsed.TotalSeconds, 0.001):0.0} per s); errors: {Errors}; latency p50 {LatencyPercentile(50):0} ms, p99 {LatencyPercentile(99):0} ms");
        foreach (var r in Slack.Keys)
        {
            var g = Growth(r);
            s.AppendLine(inv, $"  {r,-8} first-minute median {g.First:0.0}, last-minute median {g.Last:0.0} (×{g.Ratio:0.000}), max {g.Max:0.0}; bound {g.Bound:0.0} (first × {GrowthFactor} + {Slack[r]}): {(g.Bounded ? "held" : "EXCEEDED")}");
        }
        foreach (var e in FirstErrors) s.AppendLine(inv, $"  error: {e}");
        s.AppendLine(ToJson());
        return s.ToString();
    }
}
