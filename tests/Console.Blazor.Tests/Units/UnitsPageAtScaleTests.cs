using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The Units page over a fleet of 10,000: one page of rows is rendered, never the fleet; search narrows as you type,
/// a tag chip filters, and the counts and the total are shown.
/// </summary>
public sealed class UnitsPageAtScaleTests : ConsoleTestContext
{
    private const int FleetSize = 10_000;
    private readonly FleetOfUnits _fleet = new(FleetSize);

    public UnitsPageAtScaleTests() => Services.AddSingleton<IConsoleUnits>(_fleet);

    private static IReadOnlyList<AngleSharp.Dom.IElement> Rows(IRenderedComponent<Ccdsvm.Console.Blazor.Components.Pages.Units> cut) =>
        cut.FindAll("[data-testid=unit-grid] [data-testid^=unit-card-]");

    [Fact]
    public void TenThousandUnits_RenderOnePageOfRows_WithTheTotalAndCounts()
    {
        var cut = Render<Ccdsvm.Console.Blazor.Components.Pages.Units>();

        Assert.Equal(Ccdsvm.Console.Blazor.Components.Pages.Units.PageSize, Rows(cut).Count);
        Assert.Equal("showing 1–50 of 10,000 units", cut.Find("[data-testid=units-total]").TextContent);
        // Sorted by name: fleet-00000 first.
        Assert.Equal("unit-card-fleet-00000", Rows(cut)[0].GetAttribute("data-testid"));
        Assert.Equal("/units/fleet-00000", Rows(cut)[0].GetAttribute("href"));
        // Counts by status, OS and tag, as chips.
        Assert.Contains("9,000", cut.Find("[data-testid=facet-status-online]").TextContent);
        Assert.Contains("1,000", cut.Find("[data-testid=facet-status-offline]").TextContent);
        Assert.Contains("5,000", cut.Find("[data-testid=facet-os-debian]").TextContent);
        Assert.Contains("500", cut.Find("[data-testid=facet-tag-rack-1]").TextContent);
        // The page asked the query service for one page, never for the fleet.
        Assert.All(_fleet.Takes, t => Assert.Equal(Ccdsvm.Console.Blazor.Components.Pages.Units.PageSize, t));
    }

    [Fact]
    public void TypingASearch_NarrowsTheRows_AfterTheDebounce()
    {
        var cut = Render<Ccdsvm.Console.Blazor.Components.Pages.Units>();

        cut.Find("input[data-testid=units-search]").Input("fleet-0424");
        AdvanceUntil(() => Rows(cut).Count == 10); // MudBlazor's debounce runs on the console's clock

        Assert.Equal(10, Rows(cut).Count);
        Assert.Equal("showing 10 of 10 units", cut.Find("[data-testid=units-total]").TextContent);
        Assert.All(Rows(cut), r => Assert.StartsWith("unit-card-fleet-0424", r.GetAttribute("data-testid"), StringComparison.Ordinal));

        cut.Find("input[data-testid=units-search]").Input("fleet-04242");
        AdvanceUntil(() => Rows(cut).Count == 1);
        Assert.Equal(["unit-card-fleet-04242"], Rows(cut).Select(r => r.GetAttribute("data-testid")!));
    }

    /// <summary>
    /// Moves the console's clock past the search debounce until the page shows what it should (bounded): the debounce's
    /// timer may be armed only after the input event was handled, so a single advance could come before it and be lost.
    /// </summary>
    private void AdvanceUntil(Func<bool> shown)
    {
        var until = DateTime.UtcNow + Timeout;
        do
        {
            Clock.Advance(TimeSpan.FromMilliseconds(400));
            Thread.Sleep(20);
        }
        while (!shown() && DateTime.UtcNow < until);
    }

    [Fact]
    public void ATagChip_FiltersToTheTaggedUnits_AndAgainClearsIt()
    {
        var cut = Render<Ccdsvm.Console.Blazor.Components.Pages.Units>();

        cut.Find("[data-testid=facet-tag-rack-1]").Click();

        Assert.Equal("showing 1–50 of 500 units (filtered from 10,000)", cut.Find("[data-testid=units-total]").TextContent);
        Assert.Equal(50, Rows(cut).Count);
        Assert.All(Rows(cut), r => Assert.Contains("#rack-1", r.TextContent, StringComparison.Ordinal));
        Assert.Equal("true", cut.Find("[data-testid=facet-tag-rack-1]").GetAttribute("aria-pressed"));

        cut.Find("[data-testid=facet-tag-rack-1]").Click();
        Assert.Equal("showing 1–50 of 10,000 units", cut.Find("[data-testid=units-total]").TextContent);
    }

    [Fact]
    public void AStatusChip_And_Sorting_ShowOfflineUnits()
    {
        var cut = Render<Ccdsvm.Console.Blazor.Components.Pages.Units>();

        cut.Find("[data-testid=facet-status-offline]").Click();

        Assert.Equal("showing 1–50 of 1,000 units (filtered from 10,000)", cut.Find("[data-testid=units-total]").TextContent);
        Assert.All(Rows(cut), r => Assert.Equal("offline", r.QuerySelector("[data-testid=unit-status]")!.TextContent));
    }

    [Fact]
    public void AUnitGoingOffline_RefreshesTheVisiblePage_Live()
    {
        var cut = Render<Ccdsvm.Console.Blazor.Components.Pages.Units>();
        Assert.Equal("online", cut.Find("[data-testid=unit-card-fleet-00001] [data-testid=unit-status]").TextContent);

        _fleet.SetStatus("fleet-00001", "offline");

        cut.WaitForAssertion(() => Assert.Equal("offline", cut.Find("[data-testid=unit-card-fleet-00001] [data-testid=unit-status]").TextContent), Timeout);
        Assert.Contains("1,001", cut.Find("[data-testid=facet-status-offline]").TextContent);
    }

    [Fact]
    public void TheUnitPickerOfTheDialogs_ListsFiftyOfTenThousand_AndTypingFindsTheOne()
    {
        string? chosen = null;
        var cut = Render<Ccdsvm.Console.Blazor.Components.Units.UnitPicker>(p => p.Add(x => x.TestId, "move-source-unit")
            .Add(x => x.ValueChanged, (string? v) => chosen = v));

        Assert.Equal(1 + Ccdsvm.Console.Blazor.Components.Units.UnitPicker.MaxShown, cut.FindAll("[data-testid=move-source-unit] option").Count);
        Assert.Equal("the first 50 of 10,000: type to narrow", cut.Find("[data-testid=move-source-unit-more]").TextContent);

        cut.Find("[data-testid=move-source-unit-search]").Input("fleet-04242");
        Assert.Equal(["", "fleet-04242"], cut.FindAll("[data-testid=move-source-unit] option").Select(o => o.GetAttribute("value")!));
        cut.Find("[data-testid=move-source-unit]").Change("fleet-04242");
        Assert.Equal("fleet-04242", chosen);
    }

    /// <summary>
    /// A fake query service over N units named fleet-00000..: every tenth offline, half debian and half rocky, one
    /// tag rack-0..rack-19 each (500 units a rack), and gpu on every thousandth. Filters as <see cref="UnitDirectory.Query"/> does.
    /// </summary>
    private sealed class FleetOfUnits : IConsoleUnits
    {
        private readonly List<UnitView> _units;
        private readonly List<Action<UnitView?>> _handlers = [];

        public FleetOfUnits(int size) => _units = Enumerable.Range(0, size).Select(i =>
        {
            string id = $"fleet-{i:00000}";
            return Views.Unit(id, status: i % 10 == 9 ? "offline" : "online") with
            {
                Os = i % 2 == 0 ? "Debian GNU/Linux 12" : "Rocky Linux 9",
                Tags = i % 1000 == 0 ? [$"rack-{i % 20}", "gpu"] : [$"rack-{i % 20}"],
                Capabilities = new Ccdsvm.Shared.Contracts.UnitCapabilities(i % 2 == 0 ? "debian" : "rocky", "12", "x86_64", [], []),
            };
        }).ToList();

        public List<int> Takes { get; } = [];

        public Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take)
        {
            Takes.Add(take);
            var matches = Matches(query);
            IEnumerable<UnitView> sorted = sort == "status" ? matches.OrderBy(u => u.Online).ThenBy(u => u.Name, StringComparer.Ordinal) : matches.OrderBy(u => u.Name, StringComparer.Ordinal);
            return new UnitListing(sorted.Skip(skip).Take(take).ToList(), matches.Count);
        }

        public UnitCounts Counts(string? search) => UnitCounts.Of(Matches(new UnitQuery(Search: search)));

        public UnitView? Find(string id) => _units.FirstOrDefault(u => u.Id == id);

        public IDisposable Subscribe(Action<UnitView?> handler)
        {
            lock (_handlers) _handlers.Add(handler);
            return new Unsubscribe(() => { lock (_handlers) _handlers.Remove(handler); });
        }

        public void SetStatus(string id, string status)
        {
            int i = _units.FindIndex(u => u.Id == id);
            lock (_units) _units[i] = _units[i] with { Status = status };
            Action<UnitView?>[] handlers;
            lock (_handlers) handlers = [.. _handlers];
            foreach (var h in handlers) h(_units[i]);
        }

        private List<UnitView> Matches(UnitQuery q)
        {
            lock (_units)
                return _units.Where(u => (q.Status is null || u.Status == q.Status)
                    && (q.Tag is null || (u.Tags ?? []).Contains(q.Tag))
                    && (q.Os is null || UnitCounts.OsOf(u) == q.Os)
                    && (q.Search is null || u.Id.Contains(q.Search, StringComparison.OrdinalIgnoreCase) || (u.Tags ?? []).Any(t => t.Contains(q.Search, StringComparison.Ordinal))))
                    .ToList();
        }

        private sealed class Unsubscribe(Action undo) : IDisposable
        {
            public void Dispose() => undo();
        }
    }
}
