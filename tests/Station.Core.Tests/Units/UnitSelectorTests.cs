using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>Tags and selectors: a fleet is found by search, status, tag and OS, a page at a time, with the total.</summary>
[Collection(StoreCollection.Name)]
public sealed class UnitSelectorTests : IDisposable
{
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UnitDirectory _directory;

    public UnitSelectorTests()
    {
        _directory = new UnitDirectory(_h.Units, _h.Access, new AuditLog(_h.Db));
        for (int i = 0; i < 250; i++)
        {
            string id = $"node-{i:D3}";
            var family = i % 5 == 0 ? "alpine" : "debian";
            _h.Units.Online("conn-" + id, EngineHarness.Inventory(id) with
            {
                Os = family == "alpine" ? "Alpine Linux v3.20" : "Debian GNU/Linux 12",
                Capabilities = new UnitCapabilities(family, family == "alpine" ? "3.20" : "12", "x64", [TaskKinds.FsList], []),
            }, DateTimeOffset.UtcNow);
        }
        for (int i = 0; i < 250; i += 10) _h.Units.Offline("conn-" + $"node-{i:D3}", DateTimeOffset.UtcNow);
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Tags_AreSet_Listed_Filtered_Audited_AndSurviveARestart()
    {
        Assert.True(_directory.SetTags(Root, "node-007", new SetUnitTags(["rack-4", "db", "db"]), "10.0.0.1").Ok);
        Assert.True(_directory.SetTags(Root, "node-008", new SetUnitTags(["rack-4"])).Ok);

        var rack = _directory.Query(Root, new UnitQuery(Tag: "rack-4")).Value!;
        Assert.Equal(2, rack.Total);
        Assert.Equal(["node-007", "node-008"], rack.Items.Select(u => u.Id));
        Assert.Equal(["db", "rack-4"], _directory.View(Root, "node-007").Value!.Tags);
        Assert.Equal("db, rack-4", Assert.Single(new AuditLog(_h.Db).Query(new AuditQuery(Action: "unit.tags")), e => e.Target == "node-007").Detail);

        var restarted = new UnitDirectory(new UnitRegistry(_h.Db), _h.Access);
        Assert.Equal(["db", "rack-4"], restarted.View(Root, "node-007").Value!.Tags);
        Assert.True(_directory.SetTags(Root, "node-007", new SetUnitTags([])).Ok);
        Assert.Empty(_directory.View(Root, "node-007").Value!.Tags!);
    }

    [Theory]
    [InlineData("Rack 4", "tag 'Rack 4' must be 1-40 lower-case letters")]
    [InlineData("", "tag '' must be")]
    public void ABadTag_IsABadRequest(string tag, string message)
    {
        var refused = _directory.SetTags(Root, "node-001", new SetUnitTags([tag]));
        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.StartsWith(message, refused.Error.Message);
        Assert.Equal(StationErrorKind.NotFound, _directory.SetTags(Root, "no-such-unit", new SetUnitTags(["x"])).Error!.Kind);
    }

    [Fact]
    public void Status_Os_AndSearch_Filter_AndTheTotalCountsEveryMatch()
    {
        Assert.Equal(25, _directory.Query(Root, new UnitQuery(Status: "offline")).Value!.Total);
        Assert.Equal(50, _directory.Query(Root, new UnitQuery(Os: "alpine")).Value!.Total);
        // Alpine units are every fifth, offline ones every tenth: both are the multiples of ten.
        Assert.Equal(25, _directory.Query(Root, new UnitQuery(Os: "alpine", Status: "offline")).Value!.Total);
        var search = _directory.Query(Root, new UnitQuery(Search: "NODE-12")).Value!;
        Assert.Equal(10, search.Total);
        Assert.All(search.Items, u => Assert.StartsWith("node-12", u.Id));
        Assert.Equal(StationErrorKind.BadRequest, _directory.Query(Root, new UnitQuery(Status: "asleep")).Error!.Kind);
        Assert.Equal(StationErrorKind.BadRequest, _directory.Query(Root, new UnitQuery(Limit: 0)).Error!.Kind);
        Assert.Equal(StationErrorKind.BadRequest, _directory.Query(Root, new UnitQuery(Cursor: "%%%")).Error!.Kind);
    }

    [Fact]
    public void Pages_FollowTheCursor_ThroughEveryUnitOnce()
    {
        var seen = new List<string>();
        string? cursor = null;
        int pages = 0;
        do
        {
            var page = _directory.Query(Root, new UnitQuery(Search: "node-", Limit: 60, Cursor: cursor)).Value!;
            Assert.Equal(250, page.Total);
            seen.AddRange(page.Items.Select(u => u.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(5, pages);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"node-{i:D3}"), seen);
    }
}
