using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// The parent filter of GET /api/v1/units: every unit hangs directly below this station (its own unit, "station"),
/// so parent=station lists all the others, any other known unit has none below it, and an unknown one is a 404 in words.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UnitParentFilterTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UnitDirectory _directory;

    public UnitParentFilterTests()
    {
        _directory = new UnitDirectory(_h.Units, _h.Access);
        _h.Units.Online("conn-station", EngineHarness.Inventory(UnitDirectory.StationUnit), DateTimeOffset.UtcNow);
        for (int i = 0; i < 30; i++) _h.Units.Online($"conn-{i}", EngineHarness.Inventory($"leaf-{i:D2}"), DateTimeOffset.UtcNow);
        _h.Units.Offline("conn-3", DateTimeOffset.UtcNow);
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public void ParentStation_ListsEveryUnitBelowIt_NotItself_AndCombinesWithTheOtherFilters()
    {
        var below = _directory.Query(Root, new UnitQuery(Parent: UnitDirectory.StationUnit, Limit: 1000)).Value!;
        Assert.Equal(30, below.Total);
        Assert.DoesNotContain(below.Items, u => u.Id == UnitDirectory.StationUnit);
        Assert.Equal(31, _directory.Query(Root, new UnitQuery(Limit: 1000)).Value!.Total);

        var offline = _directory.Query(Root, new UnitQuery(Parent: UnitDirectory.StationUnit, Status: "offline")).Value!;
        Assert.Equal("leaf-03", Assert.Single(offline.Items).Id);
        var page = _directory.Query(Root, new UnitQuery(Parent: UnitDirectory.StationUnit, Limit: 20)).Value!;
        var next = _directory.Query(Root, new UnitQuery(Parent: UnitDirectory.StationUnit, Limit: 20, Cursor: page.NextCursor)).Value!;
        Assert.Equal(30, page.Items.Count + next.Items.Count);
        Assert.Null(next.NextCursor);
    }

    [Fact]
    public void AnotherKnownUnit_HasNoneBelowIt_AndAnUnknownOne_IsNotFoundInWords()
    {
        var none = _directory.Query(Root, new UnitQuery(Parent: "leaf-07")).Value!;
        Assert.Equal(0, none.Total);
        Assert.Empty(none.Items);

        var unknown = _directory.Query(Root, new UnitQuery(Parent: "no-such-unit"));
        Assert.Equal(StationErrorKind.NotFound, unknown.Error!.Kind);
        Assert.Contains("unit 'no-such-unit' is not known", unknown.Error.Message, StringComparison.Ordinal);
    }
}
