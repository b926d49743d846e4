using System.Text.Json.Nodes;

namespace Ccdsvm.LayerBench;

/// <summary>Latency samples in milliseconds and their summary (count, p50, p90, p99, max).</summary>
public sealed class Samples
{
    private readonly List<double> _ms = [];

    public void Add(double ms) => _ms.Add(ms);

    public int Count => _ms.Count;

    public double Quantile(double q)
    {
        if (_ms.Count == 0) return 0;
        double[] sorted = [.. _ms];
        Array.Sort(sorted);
        return Math.Round(sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1))], 2);
    }

    public JsonObject Summary() => new()
    {
        ["count"] = _ms.Count,
        ["p50"] = Quantile(0.50),
        ["p90"] = Quantile(0.90),
        ["p99"] = Quantile(0.99),
        ["max"] = _ms.Count == 0 ? 0 : Math.Round(_ms.Max(), 2),
    };

    public static double Ratio(double a, double b) => b <= 0 ? 0 : Math.Round(a / b, 2);
}
