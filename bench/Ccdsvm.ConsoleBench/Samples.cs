using System.Text.Json.Nodes;

namespace Ccdsvm.ConsoleBench;

/// <summary>Milliseconds of one measurement over the runs, summarised as median, 90th percentile and extremes.</summary>
public sealed class Samples
{
    private readonly List<double> _ms = [];

    public int Count => _ms.Count;

    public void Add(double ms) => _ms.Add(ms);

    public double Median => At(0.5);

    public double At(double q)
    {
        if (_ms.Count == 0) return double.NaN;
        var sorted = _ms.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public JsonNode? ToJson() => _ms.Count == 0 ? null : new JsonObject
    {
        ["n"] = _ms.Count,
        ["p50"] = Math.Round(At(0.5), 1),
        ["p90"] = Math.Round(At(0.9), 1),
        ["min"] = Math.Round(_ms.Min(), 1),
        ["max"] = Math.Round(_ms.Max(), 1),
    };
}

/// <summary>One measurement taken two ways: a wall clock around Playwright, and marks inside the page (performance.now).</summary>
public sealed class Measure
{
    public Samples Wall { get; } = new();
    public Samples Page { get; } = new();

    /// <summary>Per run, wall minus page: what Playwright's round trips add to the figure.</summary>
    public Samples Overhead { get; } = new();

    public void Add(double wall, double page)
    {
        Wall.Add(wall);
        Page.Add(page);
        Overhead.Add(wall - page);
    }

    public JsonNode? ToJson() => Wall.Count == 0 ? null : new JsonObject
    {
        ["page"] = Page.ToJson(),
        ["wall"] = Wall.ToJson(),
        ["playwrightOverhead"] = Overhead.ToJson(),
    };
}
