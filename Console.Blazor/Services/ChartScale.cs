using System.Globalization;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>What a chart's values measure, so its axis and tooltip carry the unit.</summary>
public enum ChartUnit { Number, Percent, Bytes, BytesPerSecond }

/// <summary>One tick on an axis: where (0 at the bottom or left, 1 at the top or right) and its label with unit.</summary>
public readonly record struct ChartTick(double At, string Label);

/// <summary>
/// Axes people can read: round tick values in one unit per axis (bytes in KiB/MiB/GiB, rates per second in kB/s,
/// MB/s as the figures beside the charts say them, percent from 0 to 100) and time ticks in the clock's words.
/// </summary>
public static class ChartScale
{
    private static readonly string[] Binary = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    private static readonly string[] RateNames = ["B/s", "kB/s", "MB/s", "GB/s", "TB/s"];

    /// <summary>The top of the value axis: 100 for percent (more if a value exceeds it), else a round number above the largest value.</summary>
    public static double Top(ChartUnit unit, double largest, double? max = null)
    {
        if (max is > 0) return Math.Max(max.Value, largest);
        if (unit == ChartUnit.Percent) return Math.Max(100, Nice(largest));
        if (largest <= 0) return unit == ChartUnit.Number ? 1 : 1024;
        var (scale, _) = Scale(unit, largest);
        return Nice(largest / scale * 1.05) * scale;
    }

    /// <summary>About <paramref name="count"/> round ticks from 0 to <paramref name="top"/>, labelled in one unit.</summary>
    public static IReadOnlyList<ChartTick> ValueTicks(ChartUnit unit, double top, int count = 4)
    {
        if (top <= 0) return [new ChartTick(0, Format(unit, 0))];
        var (scale, name) = Scale(unit, top);
        double step = Nice(top / scale / count) * scale;
        var ticks = new List<ChartTick>();
        for (double v = 0; v <= top * 1.0001; v += step)
            ticks.Add(new ChartTick(v / top, Label(v / scale, name, unit)));
        return ticks;
    }

    /// <summary>A value with its unit, as a tooltip says it: "1.5 GiB", "12 %", "3.4 MB/s".</summary>
    public static string Format(ChartUnit unit, double value)
    {
        if (unit == ChartUnit.Percent) return value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " %";
        if (unit == ChartUnit.Number) return value.ToString("0.##", CultureInfo.InvariantCulture);
        var (scale, name) = Scale(unit, Math.Abs(value));
        return Label(value / scale, name, unit);
    }

    /// <summary>Time ticks: about <paramref name="count"/> evenly spread, in HH:mm:ss for minutes, HH:mm for hours, dates beyond a day.</summary>
    public static IReadOnlyList<ChartTick> TimeTicks(DateTimeOffset from, DateTimeOffset to, int count = 5)
    {
        if (to <= from) return [new ChartTick(0, Time(from, TimeSpan.Zero))];
        var span = to - from;
        var ticks = new List<ChartTick>();
        for (int i = 0; i < count; i++)
        {
            double at = (double)i / (count - 1);
            string label = Time(from + span * at, span);
            // A range of a few seconds gives the same second twice: say each moment once.
            if (ticks.Count == 0 || ticks[^1].Label != label) ticks.Add(new ChartTick(at, label));
        }
        return ticks;
    }

    /// <summary>A moment as the time axis writes it for a chart of <paramref name="span"/>.</summary>
    public static string Time(DateTimeOffset t, TimeSpan span) => t.ToLocalTime().ToString(
        span > TimeSpan.FromDays(1) ? "MM-dd HH:mm" : span > TimeSpan.FromMinutes(30) ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);

    private static (double Scale, string Name) Scale(ChartUnit unit, double value)
    {
        (double step, string[] names) = unit switch
        {
            ChartUnit.Bytes => (1024d, Binary),
            ChartUnit.BytesPerSecond => (1000d, RateNames),
            _ => (1d, [""]),
        };
        if (step == 1) return (1, unit == ChartUnit.Percent ? "%" : "");
        int i = 0;
        double scale = 1;
        while (value >= scale * step && i < names.Length - 1) { scale *= step; i++; }
        return (scale, names[i]);
    }

    private static string Label(double scaled, string name, ChartUnit unit)
    {
        string number = scaled.ToString(scaled == 0 || scaled >= 100 ? "0" : scaled >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture);
        return unit == ChartUnit.Number ? number : $"{number} {name}";
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above <paramref name="value"/>.</summary>
    private static double Nice(double value)
    {
        if (value <= 0) return 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double f in new[] { 1, 2, 2.5, 5, 10 })
            if (f * magnitude >= value - 1e-12) return f * magnitude;
        return 10 * magnitude;
    }
}
