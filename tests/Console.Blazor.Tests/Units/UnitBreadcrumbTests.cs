using System.Text.RegularExpressions;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Components.Units;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using UnitPage = Ccdsvm.Console.Blazor.Components.Units.UnitPage;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The unit pages' breadcrumb on the real <see cref="UnitTree.StationsAbove"/> and registry over SQLite (README, "Layered
/// stations"): a unit two mid stations down reads "mid-1 › mid-1a › leaf-1a", each station a link to its unit page; a
/// unit connected here shows none; a station the user may not view is named, not linked.
/// </summary>
public sealed partial class UnitBreadcrumbTests : ConsoleTestContext
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-unit-breadcrumb-").FullName;
    private readonly UnitRegistry _registry;
    private readonly Dictionary<string, (string? Parent, UnitKind Kind)> _placed = [];

    public UnitBreadcrumbTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open())
        {
            Migrations.Apply(c);
            // Helen may view mid-1a and the units below it, not mid-1 above them.
            foreach (var id in new[] { "mid-1a", "leaf-1a", "leaf-1", "direct" })
                AccessControl.Grant(c, null, ResourcePath.Unit(id), "helen", "HelpDesk", "root", DateTimeOffset.UtcNow);
            // Ada may view every unit.
            AccessControl.Grant(c, null, "/units", "ada", "HelpDesk", "root", DateTimeOffset.UtcNow);
        }
        var access = new AccessControl(db, new AuditLog(db));
        _registry = new UnitRegistry(db);
        Services.AddSingleton(access);
        Services.AddSingleton<ConsoleUser>();
        var directory = new UnitDirectory(_registry, access);
        var tree = new UnitTree(_registry, access);
        Services.AddSingleton<IConsoleUnitChain>(sp => new ConsoleUnitChain(sp.GetRequiredService<ConsoleUser>(), tree));
        Services.AddSingleton<IConsoleUnits>(sp => new ConsoleUnits(sp.GetRequiredService<ConsoleUser>(), directory));
    }

    private static UnitInventory Inventory(string id, string? parent, UnitKind kind) =>
        new(id, id, "host-" + id, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30, [], [], ["/srv/data"], "test", parent, Kind: kind);

    private Task Online(string id, string? parent = null, bool station = false)
    {
        var kind = station ? UnitKind.Station : UnitKind.Unit;
        _placed[id] = (parent, kind);
        if (parent is null) return _registry.OnlineAsync("conn-" + id, Inventory(id, null, kind), DateTimeOffset.UtcNow).WaitAsync(Limit);
        string route = id;
        while (_placed[route].Parent is { } up) route = up;
        return _registry.ApplySubtreeAsync(route, new SubtreeUpdate(false, [new SubtreeUnit(Inventory(id, parent, kind), "online", [])], []), DateTimeOffset.UtcNow).WaitAsync(Limit);
    }

    private async Task FleetAsync()
    {
        await Online("mid-1", station: true);
        await Online("direct");
        await Online("mid-1a", "mid-1", station: true);
        await Online("leaf-1", "mid-1");
        await Online("leaf-1a", "mid-1a");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string Text<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent => Spaces().Replace(cut.Find($"[data-testid='{testId}']").TextContent, " ").Trim();

    private static string Href<T>(IRenderedComponent<T> cut, string testId) where T : Microsoft.AspNetCore.Components.IComponent => cut.Find($"[data-testid='{testId}']").GetAttribute("href") ?? "";

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [Fact]
    public async Task AdaSeesBothStationsAboveALeaf_EachALinkToItsUnitPage()
    {
        await FleetAsync();
        AddAuthorization().SetAuthorized("ada");

        var cut = Render<UnitPage>(p => p.Add(x => x.Id, "leaf-1a"));

        Assert.Equal("mid-1 › mid-1a › leaf-1a", Text(cut, "unit-breadcrumb"));
        Assert.Equal("/units/mid-1", Href(cut, "crumb-mid-1"));
        Assert.Equal("/units/mid-1a", Href(cut, "crumb-mid-1a"));
        Assert.Equal("page", cut.Find("[data-testid=crumb-unit]").GetAttribute("aria-current"));
        Assert.Equal("leaf-1a", Text(cut, "unit-page-title"));
    }

    [Fact]
    public async Task AUnitConnectedHere_AndAMidStationItself_ShowNoBreadcrumb_AUnitOneLayerDownShowsItsStation()
    {
        await FleetAsync();
        AddAuthorization().SetAuthorized("ada");

        Assert.Empty(Render<UnitPage>(p => p.Add(x => x.Id, "direct")).FindAll("[data-testid=unit-breadcrumb]"));
        Assert.Empty(Render<UnitPage>(p => p.Add(x => x.Id, "mid-1")).FindAll("[data-testid=unit-breadcrumb]"));
        var leaf = Render<UnitPage>(p => p.Add(x => x.Id, "leaf-1"));
        Assert.Equal("mid-1 › leaf-1", Text(leaf, "unit-breadcrumb"));
    }

    [Fact]
    public async Task AStationTheUserMayNotView_IsNamedButNotLinked()
    {
        await FleetAsync();
        AddAuthorization().SetAuthorized("helen");

        var cut = Render<UnitBreadcrumb>(p => p.Add(x => x.UnitId, "leaf-1a"));

        Assert.Equal("mid-1 › mid-1a › leaf-1a", Text(cut, "unit-breadcrumb"));
        Assert.Equal("SPAN", cut.Find("[data-testid=crumb-mid-1]").TagName);
        Assert.Equal("/units/mid-1a", Href(cut, "crumb-mid-1a"));
    }

    [Fact]
    public async Task TheChartsPage_LinksTheUnitBackToItsUnitPage()
    {
        await FleetAsync();
        AddAuthorization().SetAuthorized("ada");

        var cut = Render<UnitDashboard>(p => p.Add(x => x.Id, "leaf-1a"));

        Assert.Equal("mid-1 › mid-1a › leaf-1a", Text(cut, "unit-breadcrumb"));
        Assert.Equal("/units/leaf-1a", Href(cut, "crumb-unit"));
    }
}
