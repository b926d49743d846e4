using Bunit;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using UnitsPage = Ccdsvm.Console.Blazor.Components.Pages.Units;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The Units page as a help-desk user granted 20 of 2,000 units, on the real <see cref="ConsoleUnits"/> over the real
/// <see cref="UnitDirectory"/> and ACL on a SQLite file: she sees her 20, the counts count only them, and a search
/// that matches a hundred units of the fleet finds only hers.
/// </summary>
public sealed class HelpDeskUnitsPageTests : ConsoleTestContext
{
    private const int FleetSize = 2_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-helpdesk-tests-").FullName;
    private IConsoleUnits HelensUnits => Services.GetRequiredService<IConsoleUnits>();

    private static string Id(int i) => $"node-{i:D4}";

    /// <summary>Hers: one in each hundred (node-0007 … node-1907).</summary>
    private static readonly string[] Granted = [.. Enumerable.Range(0, 20).Select(i => Id(i * 100 + 7))];

    public HelpDeskUnitsPageTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open())
        {
            Migrations.Apply(c);
            // The store-level grant the auth.grant task writes, then the reload it does.
            foreach (var id in Granted) AccessControl.Grant(c, null, ResourcePath.Unit(id), "helen", "HelpDesk", "root", DateTimeOffset.UtcNow);
        }
        var access = new AccessControl(db, new AuditLog(db));
        var registry = new UnitRegistry(db);
        for (int i = 0; i < FleetSize; i++)
        {
            string id = Id(i);
            registry.Online("conn-" + id, new UnitInventory(id, id, "host-" + id, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30, [], [], ["/srv/data"], "test", null)
            {
                Capabilities = new UnitCapabilities(i % 2 == 0 ? "alpine" : "debian", "1", "x64", [TaskKinds.FsList], []),
            }, DateTimeOffset.UtcNow);
        }
        for (int g = 0; g < Granted.Length; g += 4) registry.Offline("conn-" + Granted[g], DateTimeOffset.UtcNow);
        foreach (var id in Granted.Take(3).Append(Id(1)).Append(Id(2))) registry.SetTags(id, ["rack-1"]);
        AddAuthorization().SetAuthorized("helen");
        Services.AddSingleton(access);
        Services.AddSingleton<ConsoleUser>();
        var directory = new UnitDirectory(registry, access);
        Services.AddSingleton<IConsoleUnits>(sp => new ConsoleUnits(sp.GetRequiredService<ConsoleUser>(), directory));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static List<string> Rows(IRenderedComponent<UnitsPage> cut) =>
        [.. cut.FindAll("[data-testid=unit-grid] [data-testid^=unit-card-]").Select(r => r.GetAttribute("data-testid")!["unit-card-".Length..])];

    [Fact]
    public void TheCounts_CountOnlyHerTwenty()
    {
        var units = HelensUnits;
        var counts = units.Counts(null);

        Assert.Equal(20, counts.Total);
        Assert.Equal(new KeyValuePair<string, int>[] { new("online", 15), new("offline", 5) }, counts.Status);
        Assert.Equal(new KeyValuePair<string, int>[] { new("debian", 20) }, counts.Os);
        Assert.Equal(new KeyValuePair<string, int>[] { new("rack-1", 3) }, counts.Tags);
        Assert.Equal(10, units.Counts("node-1").Total);
        Assert.Equal(Granted, units.List(new UnitQuery(), "id", 0, 100).Value!.Items.Select(u => u.Id));
        Assert.Equal(20, units.List(new UnitQuery(), "name", 0, 100).Value!.Total);
        Assert.Null(units.Find(Id(8)));
        Assert.NotNull(units.Find(Granted[1]));
    }

    [Fact]
    public void TheUnitsPage_ShowsHerTwenty_AndSearchesOnlyWithinThem()
    {
        var cut = Render<UnitsPage>();

        Assert.Equal("showing 20 of 20 units", cut.Find("[data-testid=units-total]").TextContent);
        Assert.Equal(Granted, Rows(cut).Order(StringComparer.Ordinal));
        Assert.Contains("15", cut.Find("[data-testid=facet-status-online]").TextContent);
        Assert.Contains("5", cut.Find("[data-testid=facet-status-offline]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=facet-os-alpine]"));

        // "node-01" matches a hundred units of the fleet; hers is one of them.
        cut.Find("input[data-testid=units-search]").Input("node-01");
        // MudBlazor's debounce runs on the console's clock: advance it until the search has run (bounded), so a timer
        // started after a single advance cannot leave the page unsearched.
        var until = DateTime.UtcNow + Timeout;
        do
        {
            Clock.Advance(TimeSpan.FromMilliseconds(400));
            Thread.Sleep(50);
        }
        while (Rows(cut) is not ["node-0107"] && DateTime.UtcNow < until);
        Assert.Equal(["node-0107"], Rows(cut));
        Assert.Equal("showing 1 of 1 unit", cut.Find("[data-testid=units-total]").TextContent);
    }

    [Fact]
    public void ATagChip_FiltersWithinHerUnits()
    {
        var cut = Render<UnitsPage>();

        cut.Find("[data-testid=facet-tag-rack-1]").Click();

        Assert.Equal(Granted.Take(3), Rows(cut).Order(StringComparer.Ordinal));
        Assert.Equal("showing 3 of 3 units (filtered from 20)", cut.Find("[data-testid=units-total]").TextContent);
    }
}
