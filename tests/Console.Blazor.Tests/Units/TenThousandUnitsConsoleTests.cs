using Bunit;
using Ccdsvm.Console.Blazor.Components.Access;
using Ccdsvm.Console.Blazor.Components.Files;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The console over a real directory of 10,000 units: the Units page sorted by status pages through the offline units first
/// (the directory sorts), and every place that chooses a unit (the palette, the task list's filter, the two file panes, the
/// workspace rail, the enrolment card) renders a bounded handful of units and finds the one typed.
/// </summary>
public sealed class TenThousandUnitsConsoleTests : ConsoleTestContext, IClassFixture<TenThousandUnitStation>
{
    private const string Wanted = "u-04242";
    private readonly DirectoryUnits _units;

    public TenThousandUnitsConsoleTests(TenThousandUnitStation station)
    {
        _units = new DirectoryUnits(station);
        Services.AddSingleton<IConsoleUnits>(_units);
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task TheUnitsPage_SortedByStatus_ShowsTheThousandOfflineUnitsFirst_AcrossTwentyPages()
    {
        var cut = Render<Components.Pages.Units>();
        var sort = cut.FindComponents<MudSelect<string>>().Single(s => s.FindAll("[data-testid=units-sort]").Count > 0);
        await cut.InvokeAsync(() => sort.Instance.ValueChanged.InvokeAsync("status"));

        IReadOnlyList<(string Id, string Status)> Rows() => [.. cut.FindAll("[data-testid=unit-grid] [data-testid^=unit-card-]")
            .Select(r => (r.GetAttribute("data-testid")!["unit-card-".Length..], r.QuerySelector("[data-testid=unit-status]")!.TextContent))];
        var pager = cut.FindComponent<MudPagination>();
        var seen = new List<string>();
        for (int page = 1; page <= 21; page++)
        {
            int p = page;
            await cut.InvokeAsync(() => pager.Instance.SelectedChanged.InvokeAsync(p));
            var rows = Rows();
            Assert.Equal(Components.Pages.Units.PageSize, rows.Count);
            Assert.All(rows, r => Assert.Equal(page <= 20 ? "offline" : "online", r.Status));
            seen.AddRange(rows.Select(r => r.Id));
        }

        // Twenty-one pages of fifty, none repeated; the thousand offline units (every tenth id) are exactly the first twenty pages.
        Assert.Equal(21 * 50, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"u-{i * 10:D5}").Order(StringComparer.Ordinal), seen.Take(1000).Order(StringComparer.Ordinal));
        Assert.Equal("showing 1,001–1,050 of 10,000 units", cut.Find("[data-testid=units-total]").TextContent);
        Assert.Contains("1,000", cut.Find("[data-testid=facet-status-offline]").TextContent);
        Assert.Equal(Components.Pages.Units.PageSize, _units.LargestTake);
    }

    [Fact]
    public async Task ThePalette_BuildsCommandsForAFewUnits_AndTypingANameFindsThatUnit()
    {
        var module = JSInterop.SetupModule("./js/shortcuts.js");
        module.SetupVoid("register", _ => true).SetVoidResult();
        var cut = Render<CommandPalette>();

        await cut.InvokeAsync(() => cut.Instance.OnShortcut(CommandPalette.Names.Palette));
        Assert.InRange(cut.FindAll("[data-testid=palette-item]").Count, 1, 12);
        cut.Find("[data-testid=palette-input]").Input($"{TenThousandUnitStation.NameOf(4242)} files");

        var item = Assert.Single(cut.FindAll("[data-testid=palette-item]"));
        Assert.Equal($"/units/{Wanted}/files", item.GetAttribute("data-href"));
        Assert.Contains(TenThousandUnitStation.NameOf(4242), item.TextContent, StringComparison.Ordinal);
        Assert.InRange(_units.LargestTake, 1, PaletteCommands.MaxUnits);
    }

    [Fact]
    public void TheTaskListsUnitFilter_ListsFiftyUnits_AndTypingFindsTheOne()
    {
        var cut = Render<TaskList>();

        Assert.Equal(1 + UnitPicker.MaxShown, cut.FindAll("[data-testid=filter-unit] option").Count);
        Assert.Equal("the first 50 of 10,000: type to narrow", cut.Find("[data-testid=filter-unit-more]").TextContent);
        cut.Find("[data-testid=filter-unit-search]").Input(Wanted);

        Assert.Equal(["", Wanted], cut.FindAll("[data-testid=filter-unit] option").Select(o => o.GetAttribute("value")!));
        cut.Find("[data-testid=filter-unit]").Change(Wanted);
        Assert.Equal(Wanted, cut.Find("[data-testid=filter-unit]").GetAttribute("value"));
        Assert.Equal(UnitPicker.MaxShown, _units.LargestTake);
    }

    [Fact]
    public void TheFilePanesUnitChoice_ListsFiftyUnits_AndChoosingATypedOneOpensItsHome()
    {
        Navigation.NavigateTo("/files?left=u-00001:/srv/data&right=u-00002:/srv/data");
        var cut = Render<TwoPaneFiles>();

        // The placeholder, fifty units and the pane's own unit when it is not among them.
        Assert.InRange(cut.FindAll("[data-testid=unit-left] option").Count, 2, 2 + UnitPicker.MaxShown);
        cut.Find("[data-testid=unit-left-search]").Input(Wanted);
        Assert.Equal(["", "u-00001", Wanted], cut.FindAll("[data-testid=unit-left] option").Select(o => o.GetAttribute("value")!).Order(StringComparer.Ordinal));
        cut.Find("[data-testid=unit-left]").Change(Wanted);

        Assert.Contains("left=" + Uri.EscapeDataString($"{Wanted}:/srv/data"), Navigation.Uri, StringComparison.Ordinal);
        Assert.Equal(UnitPicker.MaxShown, _units.LargestTake);
    }

    [Fact]
    public void TheWorkspaceRail_ShowsTwentyUnits_AndTypingFindsTheOne()
    {
        var cut = Render<UnitRail>();

        Assert.Equal(UnitRail.MaxShown, cut.FindAll("[data-testid^=unit-row-]").Count);
        Assert.Contains("the first 20 of 10,000", cut.Find("[data-testid=rail-more]").TextContent, StringComparison.Ordinal);
        cut.Find("[data-testid=rail-search]").Input(Wanted);

        Assert.Equal([$"unit-row-{Wanted}"], cut.FindAll("[data-testid^=unit-row-]").Select(r => r.GetAttribute("data-testid")!));
        Assert.Empty(cut.FindAll("[data-testid=rail-more]"));
        Assert.Equal(UnitRail.MaxShown, _units.LargestTake);
    }

    [Fact]
    public void TheEnrolmentCard_ListsTwentyEnrolledUnits_AndTypingFindsTheOne()
    {
        Services.AddSingleton<IConsoleAdmin>(new ScriptedConsoleAdmin(Clock));
        var cut = Render<EnrolmentCard>();

        Assert.Equal(EnrolmentCard.EnrolledShown, cut.FindAll("[data-testid^=enrolled-u-]").Count);
        Assert.Equal("the first 20 of 10,000: type to narrow", cut.Find("[data-testid=enrolled-more]").TextContent);
        cut.Find("[data-testid=enrolled-search]").Input(Wanted);

        Assert.Equal([$"enrolled-{Wanted}"], cut.FindAll("[data-testid^=enrolled-u-]").Select(r => r.GetAttribute("data-testid")!));
        Assert.Equal(EnrolmentCard.EnrolledShown, _units.LargestTake);
    }
}
