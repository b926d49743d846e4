using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Users;
using Dapper;
using Xunit.Abstractions;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// A help-desk user granted 20 of 2,000 units, through the product's grant (<see cref="UserAdmin.GrantAsync"/>, an
/// auth.grant task): the directory lists exactly those 20, every filter stays within them, and any other unit is
/// answered as unknown.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class HelpDeskAtScaleTests : IDisposable
{
    private const int FleetSize = 2_000;
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UnitDirectory _directory;

    /// <summary>The 20 units granted: one in each hundred (node-0007, node-0107, …, node-1907).</summary>
    private static readonly string[] Granted = [.. Enumerable.Range(0, 20).Select(i => Id(i * 100 + 7))];

    private static string Id(int i) => $"node-{i:D4}";

    private readonly ITestOutputHelper _output;

    public HelpDeskAtScaleTests(ITestOutputHelper output)
    {
        _output = output;
        _directory = new UnitDirectory(_h.Units, _h.Access, new AuditLog(_h.Db));
        for (int i = 0; i < FleetSize; i++)
        {
            string id = Id(i);
            string family = i % 2 == 0 ? "alpine" : "debian";
            _h.Units.Online("conn-" + id, EngineHarness.Inventory(id) with
            {
                Capabilities = new UnitCapabilities(family, "1", "x64", [TaskKinds.FsList], []),
            }, DateTimeOffset.UtcNow);
        }
        // Every fourth granted unit is offline, as is every fourth unit of the fleet (none of hers: they end in 07).
        for (int i = 0; i < FleetSize; i += 4) _h.Units.Offline("conn-" + Id(i), DateTimeOffset.UtcNow);
        for (int g = 0; g < Granted.Length; g += 4) _h.Units.Offline("conn-" + Granted[g], DateTimeOffset.UtcNow);
        // rack-1 holds 5 granted units and 95 others.
        for (int i = 0; i < 100; i++) Assert.True(_h.Units.SetTags(Id(i * 20 + 1), ["rack-1"]));
        foreach (var id in Granted.Take(5)) Assert.True(_h.Units.SetTags(id, ["rack-1"]));
        using var c = _h.Db.Open();
        c.Execute("INSERT INTO users(name, password_hash, created_at) VALUES ('helen', 'x', '2026-01-01T00:00:00Z')");
    }

    public void Dispose() => _h.Dispose();

    private async Task<Caller> HelenWithHerTwentyUnits()
    {
        var admin = new UserAdmin(_h.Db, _h.Access, _h.Engine, _h.Passwords);
        foreach (var id in Granted)
        {
            var change = await admin.GrantAsync(Root, "/units/" + id, "helen", "HelpDesk").WaitAsync(EngineHarness.Limit);
            Assert.True(change.Ok, change.Error?.Message);
            Assert.Equal("succeeded", change.Value!.Task.State);
        }
        return _h.Access.Resolve("helen");
    }

    [Fact]
    public async Task TheDirectory_ListsExactlyHerTwenty_InPages_AndEveryFilterStaysWithinThem()
    {
        var helen = await HelenWithHerTwentyUnits();
        Assert.Equal(FleetSize, _directory.Query(Root, new UnitQuery(Limit: 1)).Value!.Total);

        var watch = Stopwatch.StartNew();
        var all = _directory.Query(helen, new UnitQuery()).Value!;
        watch.Stop();
        Assert.Equal(20, all.Total);
        Assert.Equal(Granted, all.Items.Select(u => u.Id));
        Assert.Null(all.NextCursor);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"listing her 20 of {FleetSize} units took {watch.Elapsed.TotalMilliseconds:0} ms");
        _output.WriteLine($"her 20 of {FleetSize} units listed in {watch.Elapsed.TotalMilliseconds:0.0} ms");

        // Pages of 7 follow the cursor through her 20 units once, the total 20 on each.
        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = _directory.Query(helen, new UnitQuery(Limit: 7, Cursor: cursor)).Value!;
            Assert.Equal(20, page.Total);
            paged.AddRange(page.Items.Select(u => u.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(Granted, paged);

        // A search that matches 100 units of the fleet finds her one among them.
        Assert.Equal(100, _directory.Query(Root, new UnitQuery(Search: "node-01")).Value!.Total);
        Assert.Equal(["node-0107"], _directory.Query(helen, new UnitQuery(Search: "node-01")).Value!.Items.Select(u => u.Id));
        // Status, tag and OS filters count only hers.
        var offline = _directory.Query(helen, new UnitQuery(Status: "offline")).Value!;
        Assert.Equal(Granted.Where((_, g) => g % 4 == 0), offline.Items.Select(u => u.Id));
        Assert.Equal(15, _directory.Query(helen, new UnitQuery(Status: "online")).Value!.Total);
        Assert.Equal(100 + 5, _directory.Query(Root, new UnitQuery(Tag: "rack-1")).Value!.Total);
        Assert.Equal(Granted.Take(5), _directory.Query(helen, new UnitQuery(Tag: "rack-1")).Value!.Items.Select(u => u.Id));
        // Her units are all odd-numbered (…07): none is alpine.
        Assert.Equal(1_000, _directory.Query(Root, new UnitQuery(Os: "alpine")).Value!.Total);
        Assert.Equal(0, _directory.Query(helen, new UnitQuery(Os: "alpine")).Value!.Total);
        Assert.Equal(20, _directory.Query(helen, new UnitQuery(Os: "debian")).Value!.Total);
        Assert.Equal(20, _directory.All(helen).Count);
    }

    [Fact]
    public async Task AUnitNotGrantedToHer_IsAnsweredAsUnknown_EverywhereSheCouldReachIt()
    {
        var helen = await HelenWithHerTwentyUnits();

        Assert.True(_directory.View(helen, "node-0107").Ok);
        var other = _directory.View(helen, "node-0108");
        Assert.Equal(StationErrorKind.NotFound, other.Error!.Kind);
        Assert.Equal("unit 'node-0108' is not known", other.Error.Message);
        Assert.Equal(StationErrorKind.NotFound, _directory.Query(helen, new UnitQuery(Parent: "node-0108")).Error!.Kind);
        Assert.Equal(0, _directory.Query(helen, new UnitQuery(Search: "node-0108")).Value!.Total);
        Assert.Equal(StationErrorKind.NotFound, _directory.DemandMonitor(helen, "node-0108")!.Kind);
        Assert.Null(_directory.DemandMonitor(helen, "node-0107"));

        // A task on it is refused as on an unknown unit, and the refusal names only her 20.
        var refused = await _h.Engine.SubmitAsync(EngineHarness.Checksum("/srv/data/x", target: "node-0108"), helen).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.NotFound, refused.Error!.Kind);
        Assert.Equal(Granted, refused.Error.Message.Split("known units: ")[1].Split(", "));
    }
}
