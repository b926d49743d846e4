using System.Diagnostics;
using System.Text.Json.Serialization;

namespace Ccdsvm.FleetLoad;

/// <summary>Latency samples in milliseconds, kept whole (a run has at most a few hundred thousand) and summarised at the end.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];

    public void Add(double ms)
    {
        lock (_ms) _ms.Add(ms);
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public int Count
    {
        get { lock (_ms) return _ms.Count; }
    }

    public LatencySummary Summary()
    {
        double[] sorted;
        lock (_ms) sorted = [.. _ms];
        Array.Sort(sorted);
        if (sorted.Length == 0) return new LatencySummary(0, 0, 0, 0);
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, Math.Round(At(0.50), 2), Math.Round(At(0.99), 2), Math.Round(sorted[^1], 2));
    }
}

public sealed record LatencySummary(int Count, double P50, double P99, double Max);

/// <summary>Counts and a few examples of what went wrong, for the closing line.</summary>
public sealed class Errors
{
    private readonly List<string> _samples = [];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(string what)
    {
        Interlocked.Increment(ref _count);
        lock (_samples)
            if (_samples.Count < 10) _samples.Add(what.Length > 300 ? what[..300] : what);
    }

    [JsonIgnore]
    public IReadOnlyList<string> Samples
    {
        get { lock (_samples) return [.. _samples]; }
    }
}
