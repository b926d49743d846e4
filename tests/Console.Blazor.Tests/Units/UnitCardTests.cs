using Bunit;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Units;

public sealed class UnitCardTests : ConsoleTestContext
{
    private IRenderedComponent<UnitCard> RenderCard(UnitView unit, List<string>? started = null) =>
        Render<UnitCard>(p => p.Add(x => x.Unit, unit).Add(x => x.OnStartTask, (string id) => started?.Add(id)));

    [Fact]
    public void OfflineUnit_ShowsOfflineSinceAndDisablesStart()
    {
        var since = new DateTimeOffset(2025, 3, 1, 9, 30, 15, TimeSpan.Zero);

        var cut = RenderCard(Views.Unit("unit-b", status: "offline", offlineSince: since));

        Assert.Equal("offline", cut.Find("[data-testid=unit-status]").TextContent);
        Assert.Equal($"offline since {since.ToLocalTime():yyyy-MM-dd HH:mm:ss}", cut.Find("[data-testid=unit-offline-since]").TextContent);
        Assert.True(cut.Find("[data-testid=start-task-unit-b]").HasAttribute("disabled"));
    }

    [Fact]
    public void OnlineUnit_HasNoOfflineSince_AndStartReportsTheUnit()
    {
        var started = new List<string>();
        var cut = RenderCard(Views.Unit("unit-a"), started);

        Assert.Empty(cut.FindAll("[data-testid=unit-offline-since]"));
        var start = cut.Find("[data-testid=start-task-unit-a]");
        Assert.False(start.HasAttribute("disabled"));

        start.Click();

        Assert.Equal(["unit-a"], started);
    }

    [Fact]
    public void Facts_ShowCpuMemoryInBothUnitsAndRoots()
    {
        var cut = RenderCard(Views.Unit("unit-a"));

        var text = cut.Find("[data-testid=unit-card-unit-a]").TextContent;
        Assert.Contains("4 CPU", text);
        Assert.Contains("8.59 GB (8 GiB) memory", text);
        Assert.Contains("/srv/data", text);
        Assert.Contains("10.0.0.7", text);
    }

    [Fact]
    public void WithoutStartHandler_HasNoStartButton()
    {
        var cut = Render<UnitCard>(p => p.Add(x => x.Unit, Views.Unit("unit-a")));

        Assert.Empty(cut.FindAll("[data-testid=start-task-unit-a]"));
    }
}
