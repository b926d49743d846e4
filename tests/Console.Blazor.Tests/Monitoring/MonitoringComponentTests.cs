using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

public sealed class MonitoringComponentTests : BunitContext, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly FakeConsoleMetrics _metrics = new();

    public MonitoringComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.SnackbarConfiguration.ShowTransitionDuration = 0);
        Services.AddSingleton<IConsoleMetrics>(_metrics);
        // The unit's page also holds its Network card, which reads the unit's net.inventory tasks.
        var tasks = new Infrastructure.ScriptedConsoleTasks();
        Services.AddSingleton<IConsoleTasks>(tasks);
        Services.AddSingleton<IConsoleNetwork>(new Infrastructure.ScriptedConsoleNetwork(tasks));
        Services.AddSingleton<IConsoleUnitChain>(new Infrastructure.ScriptedUnitChain());
        Render<MudPopoverProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services only dispose asynchronously; the synchronous Dispose afterwards finds nothing left.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    [Fact]
    public void Fleet_ShowsATilePerUnit_AndUpdatesFromTheSummaryStream()
    {
        _metrics.UnitList.AddRange([FakeConsoleMetrics.Unit("alpha"), FakeConsoleMetrics.Unit("beta", online: false)]);
        var page = Render<Fleet>();
        Assert.Equal(2, page.FindAll("[data-testid^=fleet-tile-]").Count);
        Assert.Equal("offline", page.Find("[data-testid=fleet-tile-beta] [data-testid=tile-status]").TextContent);

        foreach (var cpu in new[] { 10.0, 40, 80 }) _metrics.PushSummary("alpha", cpu);

        page.WaitForAssertion(() => Assert.Equal("80 %", page.Find("[data-testid=fleet-tile-alpha] [data-testid=tile-cpu]").TextContent), Timeout);
        var points = page.Find("[data-testid=fleet-tile-alpha] [data-testid=spark-cpu] polyline").GetAttribute("points")!.Split(' ');
        Assert.Equal(3, points.Length);
        Assert.EndsWith(",4.8", points[^1]); // 80 % of a 24-high box, measured from the bottom
        Assert.Contains("↓1 kB/s", page.Find("[data-testid=fleet-tile-alpha] [data-testid=tile-net]").TextContent);
    }

    [Fact]
    public void Fleet_ShowsAlertsOnTiles_AndSortsAndFilters()
    {
        _metrics.UnitList.AddRange([FakeConsoleMetrics.Unit("alpha"), FakeConsoleMetrics.Unit("beta"), FakeConsoleMetrics.Unit("gamma")]);
        var page = Render<Fleet>();
        _metrics.PushSummary("alpha", 5);
        _metrics.PushSummary("beta", 95);
        _metrics.PushSummary("gamma", 50);
        _metrics.RaiseAlert(new Alert("gamma", Alerts.FileSystem, "fs:/srv", "/srv is 95 % full", DateTimeOffset.UtcNow));
        page.WaitForAssertion(() => Assert.Contains("/srv is 95 % full", page.Find("[data-testid=fleet-tile-gamma] [data-testid=tile-alerts]").TextContent), Timeout);

        var sort = page.FindComponent<MudSelect<string>>();
        page.InvokeAsync(() => sort.Instance.ValueChanged.InvokeAsync("cpu")).Wait(Timeout);
        page.WaitForAssertion(() => Assert.Equal(["fleet-tile-beta", "fleet-tile-gamma", "fleet-tile-alpha"],
            page.FindAll("[data-testid^=fleet-tile-]").Select(e => e.GetAttribute("data-testid"))), Timeout);

        var filter = page.FindComponent<MudTextField<string>>();
        page.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync("gam")).Wait(Timeout);
        page.WaitForAssertion(() => Assert.Equal(["fleet-tile-gamma"], page.FindAll("[data-testid^=fleet-tile-]").Select(e => e.GetAttribute("data-testid"))), Timeout);
    }

    [Fact]
    public void UnitDashboard_ChartsHistory_GoesLiveWhileOpen_AndStopsWatchingWhenClosed()
    {
        _metrics.UnitList.Add(FakeConsoleMetrics.Unit("alpha"));
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        _metrics.Points["alpha"] = Enumerable.Range(0, 60).Select(i => new MetricPoint(t0.AddSeconds(i * 2), i, 100L << 20, 1L << 30, 10, 20, 30, 40, 1, null, null)).ToList();

        var page = Render<UnitDashboard>(p => p.Add(c => c.Id, "alpha"));
        Assert.Equal(1, _metrics.ActiveWatches);
        Assert.Equal("59 %", page.Find("[data-testid=chart-cpu-latest]").TextContent);
        Assert.Equal(4, page.FindAll(".metric-chart").Count);

        _metrics.PushSample("alpha", 73);
        page.WaitForAssertion(() => Assert.Equal("73 %", page.Find("[data-testid=chart-cpu-latest]").TextContent), Timeout);
        page.WaitForAssertion(() => Assert.Contains("120 processes", page.Find("[data-testid=live-facts]").TextContent), Timeout);
        Assert.Equal("15 kB/s", page.Find("[data-testid=chart-disk-latest]").TextContent);

        page.Find("[data-testid='range-24 h']").Click();
        page.WaitForAssertion(() => Assert.Equal(0, _metrics.ActiveWatches), Timeout);
        Assert.Empty(page.FindAll("[data-testid=live-chip]"));

        page.Find("[data-testid='range-5 min']").Click();
        page.WaitForAssertion(() => Assert.Equal(1, _metrics.ActiveWatches), Timeout);
        DisposeComponentsAsync().Wait(Timeout);
        Assert.Equal(0, _metrics.ActiveWatches);
    }
}
