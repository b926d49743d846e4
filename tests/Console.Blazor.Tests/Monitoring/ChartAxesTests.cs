using Bunit;
using Ccdsvm.Console.Blazor.Components.Monitoring;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

/// <summary>Charts people can read: value axes in the metric's unit, time ticks, a tooltip by pointer or tap, a shaded alert range.</summary>
public sealed class ChartAxesTests : ConsoleTestContext
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static List<(DateTimeOffset, double)> Series(int count, Func<int, double> value) =>
        Enumerable.Range(0, count).Select(i => (T0.AddSeconds(i * 5), value(i))).ToList();

    [Fact]
    public void MemoryChart_AxisInBinaryUnits_TooltipOnTapShowsTimeAndValue()
    {
        var cut = Render<MetricChart>(p => p.Add(x => x.Title, "Memory used").Add(x => x.TestId, "chart-mem").Add(x => x.Unit, ChartUnit.Bytes)
            .Add(x => x.Max, 4.0 * (1L << 30)).Add(x => x.Points, Series(60, i => (1L << 30) + i * (8L << 20))));

        var ticks = cut.FindAll("[data-testid=chart-mem-yaxis] .chart-tick").Select(t => t.TextContent).ToList();
        Assert.Equal(["0 GiB", "1 GiB", "2 GiB", "3 GiB", "4 GiB"], ticks);
        Assert.Equal(4, cut.FindAll("[data-testid=chart-mem-xaxis] .chart-tick").Count);
        Assert.Empty(cut.FindAll("[data-testid=chart-mem-tooltip]"));

        var hits = cut.FindAll("[data-testid=chart-mem-hit]");
        Assert.InRange(hits.Count, 2, MetricChart.MaxBuckets);
        Assert.Matches(@"^\d\d:\d\d:\d\d: 1 GiB$", hits[0].QuerySelector("title")!.TextContent);

        cut.FindAll("[data-testid=chart-mem-hit]")[^1].Click();
        var tooltip = cut.Find("[data-testid=chart-mem-tooltip]").TextContent;
        Assert.Contains(T0.AddSeconds(59 * 5).ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), tooltip);
        Assert.Contains("1.46 GiB", tooltip);

        // A live sample arrives: the tooltip stays where the finger rested and says what is there now.
        cut.Render(p => p.Add(x => x.Points, Series(61, i => (1L << 30) + i * (8L << 20))));
        Assert.Contains("1.47 GiB", cut.Find("[data-testid=chart-mem-tooltip]").TextContent);
    }

    [Fact]
    public void RateChart_TicksPerSecond_AndCpuChartShadesAboveTheAlertThreshold()
    {
        var rate = Render<MetricChart>(p => p.Add(x => x.Title, "Disk").Add(x => x.TestId, "chart-disk").Add(x => x.Unit, ChartUnit.BytesPerSecond)
            .Add(x => x.Points, Series(10, i => i * 1_000_000.0)));
        var rateTicks = rate.FindAll("[data-testid=chart-disk-yaxis] .chart-tick").Select(t => t.TextContent).ToList();
        Assert.All(rateTicks, t => Assert.EndsWith("/s", t));
        Assert.Contains("MB/s", rateTicks[^1]);

        var cpu = Render<MetricChart>(p => p.Add(x => x.Title, "CPU").Add(x => x.TestId, "chart-cpu").Add(x => x.Unit, ChartUnit.Percent)
            .Add(x => x.Threshold, 90.0).Add(x => x.ThresholdLabel, "alert above 90 %").Add(x => x.Points, Series(10, i => i * 10.0)));
        Assert.Equal("100 %", cpu.FindAll("[data-testid=chart-cpu-yaxis] .chart-tick")[^1].TextContent);
        var band = cpu.Find("[data-testid=chart-cpu-threshold]");
        Assert.Equal("10", band.GetAttribute("height"));
        Assert.Equal("alert above 90 %", band.QuerySelector("title")!.TextContent);
    }

    [Fact]
    public void Sparkline_TitleSaysFiguresWithUnit_TapShowsThem()
    {
        var cut = Render<Sparkline>(p => p.Add(x => x.Values, [10.0, 95.0, 40.0]).Add(x => x.Max, 100.0).Add(x => x.Unit, ChartUnit.Percent)
            .Add(x => x.Threshold, 90.0).Add(x => x.Label, "CPU").Add(x => x.TestId, "spark-cpu"));

        Assert.Equal("CPU: now 40 %, peak 95 %, low 10 %", cut.Find("[data-testid=spark-cpu] title").TextContent);
        Assert.Single(cut.FindAll(".spark-threshold"));
        cut.Find("[data-testid=spark-cpu]").Click();
        Assert.Equal("CPU: now 40 %, peak 95 %, low 10 %", cut.Find("[data-testid=spark-cpu-figures]").TextContent);
    }
}
