using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// Units below a mid station as the station above lists them (README, "Layered stations"): with their parent, their
/// status there, reached through the mid station's connection; unreachable while its link is down; dropped when a full
/// update no longer lists them; kept across a restart. Ids are unique in a station, so a clash is refused, as is any
/// announcement from a unit that is not a station.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class SubtreeRegistryTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);

    public SubtreeRegistryTests()
    {
        _h.Units.Online("conn-station", EngineHarness.Inventory(UnitDirectory.StationUnit), DateTimeOffset.UtcNow);
        _h.Online("leaf");
        _h.Units.Online("conn-mid-1", Station("mid-1"), DateTimeOffset.UtcNow);
    }

    public void Dispose() => _h.Dispose();

    private static UnitInventory Station(string id, string? parent = null) => EngineHarness.Inventory(id) with { Kind = UnitKind.Station, Parent = parent };

    private static SubtreeUnit Below(string id, string? parent, string status = "online", UnitKind kind = UnitKind.Unit) =>
        new(EngineHarness.Inventory(id) with { Parent = parent, Kind = kind }, status, ["rack-4"]);

    private Task<SubtreeApplied?> Apply(string via, bool full, IReadOnlyList<SubtreeUnit> units, IReadOnlyList<string>? removed = null, Action<string>? problem = null) =>
        _h.Units.ApplySubtreeAsync(via, new SubtreeUpdate(full, units, removed ?? []), DateTimeOffset.UtcNow, problem).WaitAsync(EngineHarness.Limit);

    private IReadOnlyList<string> Children(string parent) =>
        [.. new UnitDirectory(_h.Units, _h.Access).Query(Root, new UnitQuery(Parent: parent, Limit: 1000)).Value!.Items.Select(u => u.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task AFullUpdate_ListsEachUnitWithItsParentAndStatus_RoutedThroughTheMidStation_AndRefusesClashes()
    {
        var applied = await Apply("mid-1", full: true,
        [
            Below("u1", null),
            Below("mid-2", "mid-1", kind: UnitKind.Station),
            Below("u7", "mid-2", "offline"),
            Below("leaf", null),
            Below("station", null),
            Below("Bad Name", null),
            Below("u9", null, "dancing"),
            Below("u8", null) with { Tags = [new string('t', 10_000)] },
        ]);

        Assert.Equal(3, applied!.Upserted);
        Assert.Equal(5, applied.Refused.Count);
        Assert.Contains(applied.Refused, r => r.StartsWith("unit 'u8': tag 'tttt", StringComparison.Ordinal) && r.Length < 200);
        Assert.Null(_h.Units.View("u8"));
        Assert.Contains(applied.Refused, r => r.Contains("'leaf' is already a unit of this station", StringComparison.Ordinal));
        Assert.Contains(applied.Refused, r => r.Contains("names the station itself", StringComparison.Ordinal));
        Assert.Contains(applied.Refused, r => r.Contains("lower-case letters", StringComparison.Ordinal));
        Assert.Contains(applied.Refused, r => r.Contains("status must be", StringComparison.Ordinal));

        Assert.Equal(("mid-1", "online", "rack-4"), (_h.Units.View("u1")!.Parent, _h.Units.View("u1")!.Status, _h.Units.View("u1")!.Tags![0]));
        Assert.Equal(("mid-2", "offline"), (_h.Units.View("u7")!.Parent, _h.Units.View("u7")!.Status));
        Assert.Null(_h.Units.View("leaf")!.Parent);
        Assert.Equal("mid-1", _h.Units.RouteOf("u7"));
        Assert.Equal("conn-mid-1", _h.Units.RouteConnectionOf("u7"));
        Assert.Equal("leaf", _h.Units.RouteOf("leaf"));
        Assert.Equal(["leaf", "mid-1"], Children(UnitDirectory.StationUnit));
        Assert.Equal(["mid-2", "u1"], Children("mid-1"));
        Assert.Equal(["u7"], Children("mid-2"));
        Assert.Equal(3, _h.Units.OnlineCount); // the station's own unit, leaf and mid-1: units below a mid station have no connection here
    }

    [Fact]
    public async Task TheLinkDropping_MakesTheSubtreeUnreachable_AFullUpdateDropsWhatItNoLongerLists_AndTheListSurvivesARestart()
    {
        await Apply("mid-1", full: true, [Below("u1", null), Below("mid-2", "mid-1", kind: UnitKind.Station), Below("u7", "mid-2")]);

        _h.Units.Offline("conn-mid-1", DateTimeOffset.UtcNow);
        Assert.All(new[] { "u1", "mid-2", "u7" }, id => Assert.Equal(UnitStatuses.Unreachable, _h.Units.View(id)!.Status));
        var unreachable = new UnitDirectory(_h.Units, _h.Access).Query(Root, new UnitQuery(Status: UnitStatuses.Unreachable, Limit: 100)).Value!;
        Assert.Equal(3, unreachable.Total);
        Assert.Null(_h.Units.RouteConnectionOf("u7"));

        _h.Units.Online("conn-mid-1b", Station("mid-1"), DateTimeOffset.UtcNow);
        await Apply("mid-1", full: true, [Below("u1", null)]);
        Assert.Equal("online", _h.Units.View("u1")!.Status);
        Assert.Null(_h.Units.View("u7"));
        Assert.Null(_h.Units.View("mid-2"));
        await Apply("mid-1", full: false, [], removed: ["u1", "leaf"]);
        Assert.Null(_h.Units.View("u1"));
        Assert.NotNull(_h.Units.View("leaf"));

        await Apply("mid-1", full: false, [Below("u2", null)]);
        _h.Restart();
        Assert.Equal(("mid-1", UnitStatuses.Unreachable), (_h.Units.View("u2")!.Parent, _h.Units.View("u2")!.Status));
        Assert.Equal("mid-1", _h.Units.RouteOf("u2"));
    }

    [Fact]
    public async Task OnlyAConnectedStationAtTheTop_MayAnnounceUnits_AndParentsThatLoopHangFromTheMidStation()
    {
        string? why = null;
        Assert.Null(await Apply("leaf", full: true, [Below("x1", null)], problem: p => why = p));
        Assert.Contains("'leaf' is not a station connected here", why, StringComparison.Ordinal);
        Assert.Null(_h.Units.View("x1"));

        var looped = await Apply("mid-1", full: true, [Below("a1", "b1"), Below("b1", "a1"), Below("c1", "leaf")]);
        Assert.Equal(3, looped!.Upserted);
        Assert.All(new[] { "a1", "b1", "c1" }, id => Assert.Equal("mid-1", _h.Units.RouteOf(id)));
        Assert.Equal("mid-1", _h.Units.View("c1")!.Parent);
    }
}
