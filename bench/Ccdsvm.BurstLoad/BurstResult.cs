using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Ccdsvm.BurstLoad;

/// <summary>What a burst saw: answers per operation and status, unanswered requests, and the health probes' times.</summary>
public sealed class BurstResult
{
    private readonly ConcurrentDictionary<(string Operation, string Outcome), int> _counts = new();
    private readonly ConcurrentQueue<string> _samples = new();
    private readonly List<double> _healthMs = [];
    private readonly List<string> _healthFailures = [];
    private readonly object _healthGate = new();

    /// <summary>Answers with a 5xx status, one line each (the first 50 are kept with their body).</summary>
    public int ServerErrors => Count(o => o.StartsWith('5'));

    /// <summary>Requests that got no answer: timeouts and connection errors.</summary>
    public int Unanswered => Count(o => !char.IsAsciiDigit(o[0]));

    public int Requests => _counts.Values.Sum();

    public IReadOnlyCollection<string> Samples => _samples;

    public IReadOnlyList<double> HealthMilliseconds { get { lock (_healthGate) return [.. _healthMs]; } }

    public IReadOnlyList<string> HealthFailures { get { lock (_healthGate) return [.. _healthFailures]; } }

    /// <summary>The longest time between two health probes that answered 200 (or from the start to the first).</summary>
    public TimeSpan LongestHealthGap { get; internal set; }

    public TimeSpan Elapsed { get; internal set; }

    internal void Record(string operation, string outcome, string? sample = null)
    {
        _counts.AddOrUpdate((operation, outcome), 1, (_, n) => n + 1);
        if (sample is not null && _samples.Count < 50) _samples.Enqueue($"{operation} {outcome}: {sample}");
    }

    internal void RecordHealth(double milliseconds, string? failure)
    {
        lock (_healthGate)
        {
            if (failure is null) _healthMs.Add(milliseconds);
            else _healthFailures.Add(failure);
        }
    }

    private int Count(Func<string, bool> outcome) => _counts.Where(kv => outcome(kv.Key.Outcome)).Sum(kv => kv.Value);

    /// <summary>The p-th percentile (0..100) of the answered health probes, in milliseconds.</summary>
    public double HealthPercentile(double p)
    {
        var sorted = HealthMilliseconds.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        int rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    public override string ToString()
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine(inv, $"{Requests} requests in {Elapsed.TotalSeconds:0.0} s ({Requests / Math.Max(Elapsed.TotalSeconds, 0.001):0} per s); 5xx: {ServerErrors}; unanswered: {Unanswered}");
        foreach (var group in _counts.GroupBy(kv => kv.Key.Operation).OrderBy(g => g.Key, StringComparer.Ordinal))
            s.AppendLine(inv, $"  {group.Key,-12} {string.Join(", ", group.OrderBy(kv => kv.Key.Outcome, StringComparer.Ordinal).Select(kv => $"{kv.Key.Outcome}: {kv.Value}"))}");
        s.AppendLine(inv, $"/healthz: {HealthMilliseconds.Count} answered 200, {HealthFailures.Count} not; p50 {HealthPercentile(50):0.0} ms, p99 {HealthPercentile(99):0.0} ms, max {HealthPercentile(100):0.0} ms; longest gap between answers {LongestHealthGap.TotalMilliseconds:0} ms");
        foreach (var f in HealthFailures.Take(5)) s.AppendLine(inv, $"  health: {f}");
        foreach (var sample in _samples.Take(10)) s.AppendLine(inv, $"  {sample}");
        return s.ToString();
    }
}
