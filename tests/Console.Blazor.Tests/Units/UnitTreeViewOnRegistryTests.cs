using System.Text.RegularExpressions;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Units;
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

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The Tree view on the real <see cref="ConsoleUnitTree"/>, <see cref="UnitTree"/> and registry over SQLite, for a
/// help-desk user granted the units below mid-1 but not mid-2: she sees only mid-1 at the top; expanding it shows its
/// units and mid-1a; a unit going offline updates the counts on the open tree.
/// </summary>
public sealed partial class UnitTreeViewOnRegistryTests : ConsoleTestContext
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-unit-tree-view-").FullName;
    private readonly UnitRegistry _registry;

    public UnitTreeViewOnRegistryTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open())
        {
            Migrations.Apply(c);
            foreach (var id in new[] { "mid-1", "leaf-1", "leaf-2", "mid-1a", "leaf-1a" })
                AccessControl.Grant(c, null, ResourcePath.Unit(id), "helen", "HelpDesk", "root", DateTimeOffset.UtcNow);
        }
        var access = new AccessControl(db, new AuditLog(db));
        _registry = new UnitRegistry(db);
        AddAuthorization().SetAuthorized("helen");
        Services.AddSingleton(access);
        Services.AddSingleton<ConsoleUser>();
        var directory = new UnitDirectory(_registry, access);
        var tree = new UnitTree(_registry, access);
        Services.AddSingleton<IConsoleUnitTree>(sp => new ConsoleUnitTree(sp.GetRequiredService<ConsoleUser>(), tree, directory));
    }

    private readonly Dictionary<string, (string? Parent, UnitKind Kind)> _placed = [];

    private static UnitInventory Inventory(string id, string? parent, UnitKind kind) =>
        new(id, id, "host-" + id, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30, [], [], ["/srv/data"], "test", parent, Kind: kind);

    /// <summary>A unit connected here (no parent), or one a mid station announces below it (README, "Layered stations").</summary>
    private Task Online(string id, string? parent = null, bool station = false)
    {
        var kind = station ? UnitKind.Station : UnitKind.Unit;
        _placed[id] = (parent, kind);
        return parent is null ? _registry.OnlineAsync("conn-" + id, Inventory(id, null, kind), DateTimeOffset.UtcNow).WaitAsync(Limit) : Announce(id, "online");
    }

    private Task Announce(string id, string status)
    {
        string route = id;
        while (_placed[route].Parent is { } up) route = up;
        var (parent, kind) = _placed[id];
        return _registry.ApplySubtreeAsync(route, new SubtreeUpdate(false, [new SubtreeUnit(Inventory(id, parent, kind), status, [])], []), DateTimeOffset.UtcNow).WaitAsync(Limit);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string Text(IRenderedComponent<UnitTreeView> cut, string testId) => Spaces().Replace(cut.Find($"[data-testid='{testId}']").TextContent, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [Fact]
    public async Task SheSeesHerStationsSubtree_ExpandsIt_AndAUnitGoingOffline_UpdatesTheCounts()
    {
        await Online("mid-1", station: true);
        await Online("mid-2", station: true);
        await Online("mid-1a", "mid-1", station: true);
        await Online("leaf-1", "mid-1");
        await Online("leaf-2", "mid-1");
        await Online("leaf-1a", "mid-1a");
        await Online("other", "mid-2");

        var cut = Render<UnitTreeView>();
        Assert.Equal(["tree-row-mid-1"], cut.FindAll("[role=treeitem]").Select(r => r.GetAttribute("data-testid")));
        Assert.Equal("4 units · 4 online", Text(cut, "tree-counts-mid-1"));

        cut.Find("[data-testid=tree-expand-mid-1]").Click();
        Assert.Equal(["tree-row-mid-1", "tree-row-leaf-1", "tree-row-leaf-2", "tree-row-mid-1a"], cut.FindAll("[role=treeitem]").Select(r => r.GetAttribute("data-testid")));
        Assert.Equal("1 unit · 1 online", Text(cut, "tree-counts-mid-1a"));

        await Announce("leaf-1a", "offline");
        cut.WaitForAssertion(() => Assert.Equal("4 units · 3 online · 1 offline", Text(cut, "tree-counts-mid-1")), Timeout);
        Assert.Equal("1 unit · 1 offline", Text(cut, "tree-counts-mid-1a"));
    }
}
