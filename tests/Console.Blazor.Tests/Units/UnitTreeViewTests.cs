using System.Text.RegularExpressions;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using UnitsPage = Ccdsvm.Console.Blazor.Components.Pages.Units;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The Units page's Tree view over a scripted tree: the List/Tree toggle switches views; the top shows each mid station
/// with its subtree's counts; expanding one shows the units below it one step in, with their own counts and links to
/// their pages; a long layer shows 200 and loads the rest on demand; a change re-reads the open layers.
/// </summary>
public sealed partial class UnitTreeViewTests : ConsoleTestContext
{
    private readonly ScriptedUnitTree _tree = new();

    public UnitTreeViewTests()
    {
        Services.AddSingleton<IConsoleUnitTree>(_tree);
        _tree.Layers = Fleet("unreachable");
    }

    private static UnitTreeNode Unit(string id, string status = "online") => new(Views.Unit(id, status), null);

    private static UnitTreeNode Station(string id, int total, params (string Status, int N)[] counts) =>
        new(Views.Unit(id) with { Kind = "station" }, new SubtreeCounts(total, counts.ToDictionary(c => c.Status, c => c.N), false));

    /// <summary>edge-a, mid-1 (1,204 below) and mid-2 (250 below) at the top; below mid-1 two units and mid-1a.</summary>
    private static Dictionary<string, IReadOnlyList<UnitTreeNode>> Fleet(string leaf2Status) => new()
    {
        [""] = [Unit("edge-a"), Station("mid-1", 1204, ("online", 1190), ("unreachable", 14)), Station("mid-2", 250, ("online", 250))],
        ["mid-1"] = [Unit("leaf-1"), Unit("leaf-2", leaf2Status), Station("mid-1a", 1201, ("online", 1188), ("offline", 1), ("unreachable", 12))],
        ["mid-1a"] = [],
        ["mid-2"] = [.. Enumerable.Range(0, 250).Select(i => Unit($"m2-{i:D3}"))],
    };

    private static string Text(IRenderedComponent<UnitTreeView> cut, string testId) => Spaces().Replace(cut.Find($"[data-testid='{testId}']").TextContent, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [Fact]
    public void TheToggle_SwitchesBetweenTheListAndTheTree_AndTheAddressKeepsTheChoice()
    {
        var nav = Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo("/units");
        var page = Render<UnitsPage>();
        Assert.NotEmpty(page.FindAll("[data-testid=unit-grid]"));
        Assert.Empty(page.FindAll("[data-testid=unit-tree]"));
        Assert.Equal("true", page.Find("[data-testid=units-view-list]").GetAttribute("aria-pressed"));

        page.Find("[data-testid=units-view-tree]").Click();
        Assert.Empty(page.FindAll("[data-testid=unit-grid]"));
        Assert.Empty(page.FindAll("[data-testid=units-search]"));
        Assert.Equal(["tree-row-edge-a", "tree-row-mid-1", "tree-row-mid-2"], page.FindAll("[role=treeitem]").Select(r => r.GetAttribute("data-testid")));
        Assert.Equal("true", page.Find("[data-testid=units-view-tree]").GetAttribute("aria-pressed"));
        Assert.EndsWith("/units?view=tree", nav.Uri, StringComparison.Ordinal);

        page.Find("[data-testid=units-view-list]").Click();
        Assert.EndsWith("/units", nav.Uri, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-testid=unit-grid]"));
        Assert.Empty(page.FindAll("[data-testid=unit-tree]"));
    }

    [Fact]
    public void ExpandingAStation_ShowsTheUnitsBelowIt_OneStepIn_WithCountsAndLinks_AndCollapsingHidesThem()
    {
        var cut = Render<UnitTreeView>();
        Assert.Equal("1,204 units · 1,190 online · 14 unreachable", Text(cut, "tree-counts-mid-1"));
        Assert.Empty(cut.FindAll("[data-testid=tree-counts-edge-a]"));
        Assert.Empty(cut.FindAll("[data-testid=tree-expand-edge-a]"));
        Assert.Empty(cut.FindAll("[data-testid=tree-row-leaf-1]"));

        cut.Find("[data-testid=tree-expand-mid-1]").Click();
        Assert.Equal(["edge-a", "mid-1", "leaf-1", "leaf-2", "mid-1a", "mid-2"],
            cut.FindAll("[role=treeitem]").Select(r => r.GetAttribute("data-testid")![9..]));
        var leaf2 = cut.Find("[data-testid=tree-row-leaf-2]");
        Assert.Equal("2", leaf2.GetAttribute("aria-level"));
        Assert.Equal("--depth:1", leaf2.GetAttribute("style"));
        Assert.Equal("unreachable", leaf2.QuerySelector("[data-testid=tree-status]")!.TextContent);
        Assert.Equal("/units/leaf-2", cut.Find("[data-testid=tree-unit-leaf-2]").GetAttribute("href"));
        Assert.Equal("1,201 units · 1,188 online · 12 unreachable · 1 offline", Text(cut, "tree-counts-mid-1a"));
        Assert.Equal("true", cut.Find("[data-testid=tree-expand-mid-1]").GetAttribute("aria-expanded"));

        cut.Find("[data-testid=tree-expand-mid-1a]").Click();
        Assert.Equal("No units below this station.", Text(cut, "tree-none-mid-1a"));

        cut.Find("[data-testid=tree-expand-mid-1]").Click();
        Assert.Equal(["edge-a", "mid-1", "mid-2"], cut.FindAll("[role=treeitem]").Select(r => r.GetAttribute("data-testid")![9..]));
    }

    [Fact]
    public void ALongLayer_Shows200_AndTheRestOnDemand()
    {
        var cut = Render<UnitTreeView>();
        cut.Find("[data-testid=tree-expand-mid-2]").Click();
        Assert.Equal(200, cut.FindAll("[data-testid^=tree-row-m2-]").Count);
        Assert.Equal("Show 50 more (200 of 250 shown)", Text(cut, "tree-more-mid-2"));

        cut.Find("[data-testid=tree-more-mid-2]").Click();
        Assert.Equal(250, cut.FindAll("[data-testid^=tree-row-m2-]").Count);
        Assert.Empty(cut.FindAll("[data-testid=tree-more-mid-2]"));
    }

    [Fact]
    public void AChange_ReReadsTheOpenLayers_WithinTheThrottle()
    {
        var cut = Render<UnitTreeView>();
        cut.Find("[data-testid=tree-expand-mid-1]").Click();
        Assert.Equal("unreachable", cut.Find("[data-testid=tree-row-leaf-2] [data-testid=tree-status]").TextContent);

        _tree.Layers = Fleet("online");
        _tree.Changed();
        cut.WaitForAssertion(() => Assert.Equal("online", cut.Find("[data-testid=tree-row-leaf-2] [data-testid=tree-status]").TextContent), Timeout);
        Assert.NotEmpty(cut.FindAll("[data-testid=tree-row-mid-1a]"));
    }
}
