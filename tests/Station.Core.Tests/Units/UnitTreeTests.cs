using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Xunit.Abstractions;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// The fleet as a tree by layer on a real registry over SQLite, three layers deep: this station's units and two mid
/// stations at the top, a mid station below mid-1, units below each. A station's row counts every unit below it by
/// status; a long layer pages by 200 in name order; a help-desk user sees only her units in the tree and its counts;
/// a loop of parents neither hangs nor loses its units.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UnitTreeTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly ITestOutputHelper _output;
    private UnitTree Tree => new(_h.Units, _h.Access);

    public UnitTreeTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _h.Dispose();

    private readonly Dictionary<string, (string? Parent, UnitKind Kind)> _placed = [];

    /// <summary>A unit connected here (no parent), or one a mid station announces below it (README, "Layered stations").</summary>
    private Task Online(string id, string? parent = null, bool station = false)
    {
        var kind = station ? UnitKind.Station : UnitKind.Unit;
        _placed[id] = (parent, kind);
        return parent is null
            ? _h.Units.OnlineAsync("conn-" + id, EngineHarness.Inventory(id) with { Kind = kind }, DateTimeOffset.UtcNow)
            : Announce(id, "online");
    }

    private Task Offline(string id) => _placed[id].Parent is null ? _h.Units.OfflineAsync("conn-" + id, DateTimeOffset.UtcNow) : Announce(id, "offline");

    private Task Announce(string id, string status)
    {
        string route = id;
        while (_placed[route].Parent is { } up) route = up;
        var (parent, kind) = _placed[id];
        var unit = new SubtreeUnit(EngineHarness.Inventory(id) with { Parent = parent, Kind = kind }, status, []);
        return _h.Units.ApplySubtreeAsync(route, new SubtreeUpdate(false, [unit], []), DateTimeOffset.UtcNow).WaitAsync(Limit);
    }

    /// <summary>
    /// station, edge-a, mid-1 (station), mid-2 (station) at the top; below mid-1: leaf-1-01..05 (01 offline) and mid-1a
    /// (station) with leaf-1a-01..04 (01 and 02 offline); below mid-2: 250 units, every 25th offline.
    /// </summary>
    private async Task ThreeLayersAsync()
    {
        await Online(UnitDirectory.StationUnit).WaitAsync(Limit);
        await Online("edge-a").WaitAsync(Limit);
        await Online("mid-1", station: true).WaitAsync(Limit);
        await Online("mid-2", station: true).WaitAsync(Limit);
        await Online("mid-1a", "mid-1", station: true).WaitAsync(Limit);
        for (int i = 1; i <= 5; i++) await Online($"leaf-1-{i:D2}", "mid-1").WaitAsync(Limit);
        for (int i = 1; i <= 4; i++) await Online($"leaf-1a-{i:D2}", "mid-1a").WaitAsync(Limit);
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => Online($"m2-{i:D3}", "mid-2"))).WaitAsync(Limit);
        foreach (var id in new[] { "leaf-1-01", "leaf-1a-01", "leaf-1a-02" }) await Offline(id).WaitAsync(Limit);
        for (int i = 0; i < 250; i += 25) await Offline($"m2-{i:D3}").WaitAsync(Limit);
    }

    private static Dictionary<string, int> Statuses(UnitTreeNode node) => new(node.Below!.ByStatus);

    [Fact]
    public async Task TheTop_ShowsEachStationWithTheCountsOfItsWholeSubtree_AndExpandingGoesALayerDown()
    {
        await ThreeLayersAsync();

        var top = Tree.Children(Root, null).Value!;
        Assert.Equal(["edge-a", "mid-1", "mid-2", "station"], top.Items.Select(n => n.Unit.Id));
        Assert.Equal(4, top.Total);
        Assert.Null(top.Items.Single(n => n.Unit.Id == "edge-a").Below);
        var mid1 = top.Items.Single(n => n.Unit.Id == "mid-1");
        Assert.Equal(10, mid1.Below!.Total);
        Assert.Equal(new Dictionary<string, int> { ["online"] = 7, ["offline"] = 3 }, Statuses(mid1));
        Assert.False(mid1.Below.Cut);
        var mid2 = top.Items.Single(n => n.Unit.Id == "mid-2");
        Assert.Equal(250, mid2.Below!.Total);
        Assert.Equal(new Dictionary<string, int> { ["online"] = 240, ["offline"] = 10 }, Statuses(mid2));

        var below1 = Tree.Children(Root, "mid-1").Value!;
        Assert.Equal(["leaf-1-01", "leaf-1-02", "leaf-1-03", "leaf-1-04", "leaf-1-05", "mid-1a"], below1.Items.Select(n => n.Unit.Id));
        Assert.Equal("offline", below1.Items[0].Unit.Status);
        var mid1a = below1.Items.Single(n => n.Unit.Id == "mid-1a");
        Assert.Equal(new Dictionary<string, int> { ["online"] = 2, ["offline"] = 2 }, Statuses(mid1a));
        Assert.Equal(4, Tree.Children(Root, "mid-1a").Value!.Total);
        Assert.Empty(Tree.Children(Root, "edge-a").Value!.Items);
    }

    [Fact]
    public async Task ALongLayer_PagesBy200InNameOrder_AndTheCountsFollowAUnitGoingOffline()
    {
        await ThreeLayersAsync();

        var first = Tree.Children(Root, "mid-2").Value!;
        Assert.Equal(250, first.Total);
        Assert.Equal(UnitTree.PageSize, first.Items.Count);
        var rest = Tree.Children(Root, "mid-2", offset: 200).Value!;
        Assert.Equal(50, rest.Items.Count);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"m2-{i:D3}"), first.Items.Concat(rest.Items).Select(n => n.Unit.Id));
        Assert.Empty(Tree.Children(Root, "mid-2", offset: 400).Value!.Items);
        Assert.Equal(StationErrorKind.BadRequest, Tree.Children(Root, "mid-2", offset: -1).Error!.Kind);

        await Offline("leaf-1-05").WaitAsync(Limit);
        var mid1 = Tree.Children(Root, null).Value!.Items.Single(n => n.Unit.Id == "mid-1");
        Assert.Equal(new Dictionary<string, int> { ["online"] = 6, ["offline"] = 4 }, Statuses(mid1));
    }

    [Fact]
    public async Task AHelpDeskUser_SeesOnlyHerUnits_InTheTreeAndItsCounts_AndOthersAreUnknown()
    {
        await ThreeLayersAsync();
        using (var c = _h.Db.Open())
            foreach (var id in new[] { "mid-1", "leaf-1-01", "leaf-1-02", "mid-1a", "leaf-1a-03" })
                AccessControl.Grant(c, null, ResourcePath.Unit(id), "helen", "HelpDesk", "root", DateTimeOffset.UtcNow);
        _h.Access.Reload();
        var helen = new Caller("helen", false);

        var top = Tree.Children(helen, null).Value!;
        var mid1 = Assert.Single(top.Items);
        Assert.Equal("mid-1", mid1.Unit.Id);
        Assert.Equal(1, top.Total);
        Assert.Equal(4, mid1.Below!.Total);
        Assert.Equal(new Dictionary<string, int> { ["online"] = 3, ["offline"] = 1 }, Statuses(mid1));
        Assert.Equal(["leaf-1-01", "leaf-1-02", "mid-1a"], Tree.Children(helen, "mid-1").Value!.Items.Select(n => n.Unit.Id));

        var hidden = Tree.Children(helen, "mid-2");
        Assert.Equal(StationErrorKind.NotFound, hidden.Error!.Kind);
        Assert.Equal(Tree.Children(helen, "no-such-unit").Error!.Message.Replace("no-such-unit", "mid-2", StringComparison.Ordinal), hidden.Error.Message);
        var huge = Tree.Children(helen, new string('x', 5_000)).Error!.Message;
        Assert.Contains("(5000 characters)", huge, StringComparison.Ordinal);
        Assert.True(huge.Length < 200, huge);
    }

    [Fact]
    public async Task ALoopOfParents_AnnouncedByAMidStation_NeitherHangsNorLosesItsUnits()
    {
        await Online("loop-top", station: true).WaitAsync(Limit);
        var loop = new[] { ("loop-a", "loop-b"), ("loop-b", "loop-a"), ("loop-c", "loop-b") }
            .Select(u => new SubtreeUnit(EngineHarness.Inventory(u.Item1) with { Parent = u.Item2, Kind = UnitKind.Station }, "online", [])).ToList();
        await _h.Units.ApplySubtreeAsync("loop-top", new SubtreeUpdate(true, loop, []), DateTimeOffset.UtcNow).WaitAsync(Limit);

        var top = await Task.Run(() => Tree.Children(Root, null).Value!).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["loop-top"], top.Items.Select(n => n.Unit.Id));
        Assert.Equal(3, top.Items[0].Below!.Total);
        Assert.False(top.Items[0].Below!.Cut);
        Assert.Equal(["loop-a"], Tree.Children(Root, "loop-top").Value!.Items.Select(n => n.Unit.Id));
        Assert.Equal(["loop-b"], Tree.Children(Root, "loop-a").Value!.Items.Select(n => n.Unit.Id));
        Assert.Equal(["loop-c"], Tree.Children(Root, "loop-b").Value!.Items.Select(n => n.Unit.Id));
    }

    [Fact]
    public async Task TenThousandUnits_BelowFortyStations_ReadCheaply()
    {
        for (int s = 0; s < 40; s++)
        {
            string mid = $"mid-{s:D2}";
            await Online(mid, station: true).WaitAsync(Limit);
            await Task.WhenAll(Enumerable.Range(0, 250).Select(i => Online($"{mid}-u{i:D3}", mid))).WaitAsync(Limit);
        }
        var tree = Tree;
        var watch = Stopwatch.StartNew();
        var top = tree.Children(Root, null).Value!;
        var cold = watch.Elapsed;
        watch.Restart();
        for (int i = 0; i < 10; i++) tree.Children(Root, "mid-17");
        var warm = watch.Elapsed / 10;
        _output.WriteLine($"10,040 units: top with 40 stations' counts {cold.TotalMilliseconds:0.0} ms (index built), a layer of 250 {warm.TotalMilliseconds:0.00} ms");

        Assert.Equal(40, top.Total);
        Assert.All(top.Items, n => Assert.Equal(250, n.Below!.Total));
        Assert.True(cold < TimeSpan.FromSeconds(2), $"the top took {cold.TotalMilliseconds:0} ms");
        Assert.True(warm < TimeSpan.FromMilliseconds(200), $"a layer took {warm.TotalMilliseconds:0} ms");
    }
}
