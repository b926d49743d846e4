using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// A mid station announces itself as a unit of kind station: the unit list shows the kind, <c>?kind=</c> filters by it
/// (anything but unit or station is refused in words), and the kind is kept in the store across a station restart.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UnitKindFilterTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);

    public UnitKindFilterTests()
    {
        _h.Units.Online("conn-station", EngineHarness.Inventory(UnitDirectory.StationUnit), DateTimeOffset.UtcNow);
        _h.Units.Online("conn-mid-1", EngineHarness.Inventory("mid-1") with { Kind = UnitKind.Station }, DateTimeOffset.UtcNow);
        _h.Units.Online("conn-leaf", EngineHarness.Inventory("leaf-1"), DateTimeOffset.UtcNow);
    }

    public void Dispose() => _h.Dispose();

    private UnitDirectory Directory => new(_h.Units, _h.Access);

    [Fact]
    public void TheList_ShowsEachUnitsKind_AndKindStation_ListsOnlyTheMidStation()
    {
        var all = Directory.Query(Root, new UnitQuery(Limit: 100)).Value!.Items.ToDictionary(u => u.Id, u => u.Kind);
        Assert.Equal(new Dictionary<string, string> { ["station"] = "unit", ["mid-1"] = "station", ["leaf-1"] = "unit" }, all);

        var stations = Directory.Query(Root, new UnitQuery(Kind: UnitKinds.Station)).Value!;
        Assert.Equal("mid-1", Assert.Single(stations.Items).Id);
        Assert.True(stations.Items[0].IsStation);
        var units = Directory.Query(Root, new UnitQuery(Kind: UnitKinds.Unit)).Value!;
        Assert.Equal(["leaf-1", "station"], units.Items.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, Directory.Query(Root, new UnitQuery(Kind: "")).Value!.Total);
    }

    [Theory]
    [InlineData("rack")]
    [InlineData("Station")]
    [InlineData(" ")]
    public void AnotherKind_IsRefusedInWords(string kind)
    {
        var refused = Directory.Query(Root, new UnitQuery(Kind: kind));
        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.Equal($"'kind' must be one of unit, station; got '{kind}'", refused.Error.Message);
    }

    [Fact]
    public void TheKind_IsKeptInTheStore_AcrossARestart()
    {
        var reloaded = new UnitRegistry(_h.Db);
        Assert.Equal(UnitKinds.Station, reloaded.View("mid-1")!.Kind);
        Assert.Equal(UnitKinds.Unit, reloaded.View("leaf-1")!.Kind);
        Assert.Equal("offline", reloaded.View("mid-1")!.Status);
    }
}
