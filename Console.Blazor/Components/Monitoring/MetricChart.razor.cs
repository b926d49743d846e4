using System.Globalization;
using System.Text;
using Ccdsvm.Console.Blazor.Services;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Monitoring;

/// <summary>
/// A metric over time, drawn as SVG: the value axis in the metric's unit (<see cref="ChartScale"/>), time ticks, the
/// range above <see cref="Threshold"/> shaded, and a tooltip with the time and value of the nearest sample wherever a
/// pointer rests or a finger taps (each of up to <see cref="MaxBuckets"/> vertical strips also carries an SVG title).
/// </summary>
public sealed partial class MetricChart : ComponentBase
{
    /// <summary>The most strips the plot is cut into for pointing: enough to find a sample, few enough to stay light.</summary>
    public const int MaxBuckets = 60;

    private IReadOnlyList<ChartTick> _valueTicks = [];
    private IReadOnlyList<ChartTick> _timeTicks = [];
    private List<Bucket> _buckets = [];
    private string _line = "";
    private string _area = "";
    private double _top = 1;
    private Bucket? _hover;

    /// <summary>Where across the plot (0 to 1000) the pointer or finger last rested; kept while samples arrive.</summary>
    private double? _hoverAt;

    [Parameter, EditorRequired] public string Title { get; set; } = "";
    [Parameter, EditorRequired] public IReadOnlyList<(DateTimeOffset T, double Value)> Points { get; set; } = [];
    [Parameter] public string? Latest { get; set; }
    [Parameter] public string? TestId { get; set; }

    /// <summary>What the values measure; the axis and tooltip say it.</summary>
    [Parameter] public ChartUnit Unit { get; set; } = ChartUnit.Number;

    /// <summary>The axis top when the values have a natural ceiling (a unit's memory).</summary>
    [Parameter] public double? Max { get; set; }

    /// <summary>Values above this are shaded (an alert threshold); none when null.</summary>
    [Parameter] public double? Threshold { get; set; }

    /// <summary>What the shaded range means ("alert above 90 %").</summary>
    [Parameter] public string? ThresholdLabel { get; set; }

    /// <summary>A strip of the plot, the sample nearest its middle, and the words its tooltip says.</summary>
    public sealed record Bucket(double X0, double X1, string Time, string Value)
    {
        public string Text => $"{Time}: {Value}";
    }

    private string AriaLabel => Latest is null ? Title : $"{Title}, now {Latest}";

    private string ThresholdTitle => ThresholdLabel ?? $"above {ChartScale.Format(Unit, Threshold ?? 0)}";

    protected override void OnParametersSet()
    {
        double largest = Points.Count == 0 ? 0 : Points.Max(p => p.Value);
        _top = ChartScale.Top(Unit, Math.Max(largest, Threshold ?? 0), Max);
        _valueTicks = ChartScale.ValueTicks(Unit, _top);
        if (Points.Count == 0)
        {
            (_timeTicks, _buckets, _line, _area, _hover, _hoverAt) = ([], [], "", "", null, null);
            return;
        }
        var from = Points[0].T;
        var to = Points[^1].T;
        _timeTicks = ChartScale.TimeTicks(from, to, 4);
        double span = Math.Max(1e-9, (to - from).TotalSeconds);
        var line = new StringBuilder();
        foreach (var p in Points)
            line.Append(N(1000 * (p.T - from).TotalSeconds / span)).Append(',').Append(Y(p.Value / _top)).Append(' ');
        _line = line.ToString().TrimEnd();
        _area = $"0,100 {_line} 1000,100";
        _buckets = Buckets(from, to, span);
        // A tooltip stays where the pointer rests as live samples arrive, showing what is under it now.
        _hover = _hoverAt is { } at ? _buckets.FirstOrDefault(b => b.X0 <= at && at < b.X1) ?? _buckets[^1] : null;
    }

    private List<Bucket> Buckets(DateTimeOffset from, DateTimeOffset to, double span)
    {
        int count = Math.Min(MaxBuckets, Points.Count);
        var buckets = new List<Bucket>(count);
        var range = to - from;
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            double x0 = 1000.0 * i / count, x1 = 1000.0 * (i + 1) / count;
            var middle = from.AddSeconds(span * (x0 + x1) / 2000);
            // Points are in time order: walk forward to the one nearest the strip's middle.
            while (next + 1 < Points.Count && Math.Abs((Points[next + 1].T - middle).TotalSeconds) <= Math.Abs((Points[next].T - middle).TotalSeconds)) next++;
            var p = Points[next];
            buckets.Add(new Bucket(x0, x1, ChartScale.Time(p.T, range), ChartScale.Format(Unit, p.Value)));
        }
        return buckets;
    }

    private void Hover(Bucket bucket) => (_hover, _hoverAt) = (bucket, (bucket.X0 + bucket.X1) / 2);

    private void ClearHover() => (_hover, _hoverAt) = (null, null);

    private static string Y(double fraction) => N(100 - 100 * Math.Clamp(fraction, 0, 1));

    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string TickTop(ChartTick tick) => $"top:{N(100 - 100 * tick.At)}%";

    private static string TickLeft(ChartTick tick) => $"left:{N(100 * tick.At)}%";

    /// <summary>The tooltip sits over its strip, kept inside the plot near the edges.</summary>
    private static string TooltipLeft(Bucket b) => $"left:{N(Math.Clamp((b.X0 + b.X1) / 20, 12, 88))}%";
}
