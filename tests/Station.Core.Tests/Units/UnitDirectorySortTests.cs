using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>
/// The directory sorts and pages the fleet itself: by id, by name or by status (offline first), a page at any offset,
/// so a console asks for exactly the page it shows. Paging through every order meets each unit once; a user granted
/// 20 units pages through those 20 only; a unit going offline moves to the front of the status order at once.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UnitDirectorySortTests : IDisposable
{
    private const int Fleet = 1500;
    private static readonly Caller Root = new("root", true);
    private static readonly Caller HelpDesk = new("hilda", false);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UnitDirectory _directory;

    public UnitDirectorySortTests()
    {
        _directory = new UnitDirectory(_h.Units, _h.Access);
        var now = DateTimeOffset.UtcNow;
        // Names run the other way round from ids (node-0000 is named "zz-1500"), in mixed case, so each order differs.
        var online = Enumerable.Range(0, Fleet).Select(i => _h.Units.OnlineAsync($"conn-{i}", EngineHarness.Inventory($"node-{i:D4}") with
        {
            Name = (i % 3 == 0 ? "ZZ-" : "zz-") + (Fleet - i).ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            Os = i % 2 == 0 ? "Debian GNU/Linux 12" : "Alpine Linux v3.20",
        }, now));
        Task.WhenAll(online).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        for (int i = 0; i < Fleet; i += 7) _h.Units.Offline($"conn-{i}", now);
        using (var c = _h.Db.Open())
            for (int i = 100; i < 120; i++)
                AccessControl.Grant(c, null, $"/units/node-{i:D4}", HelpDesk.Name, Roles.HelpDesk.Name, "test", now);
        _h.Access.Reload("test");
    }

    public void Dispose() => _h.Dispose();

    /// <summary>Every page of the query at <paramref name="limit"/> a page, by offset, until the total is read.</summary>
    private List<UnitView> PageThrough(Caller caller, UnitQuery query, int limit)
    {
        var all = new List<UnitView>();
        for (int pages = 0; pages < 1000; pages++)
        {
            var page = _directory.Query(caller, query with { Limit = limit, Offset = all.Count });
            Assert.True(page.Ok, page.Error?.Message);
            Assert.True(page.Value!.Items.Count <= limit);
            all.AddRange(page.Value.Items);
            if (page.Value.Items.Count < limit || all.Count >= page.Value.Total) return all;
        }
        throw new InvalidOperationException("paging did not end");
    }

    [Theory]
    [InlineData(UnitSorts.Id)]
    [InlineData(UnitSorts.Name)]
    [InlineData(UnitSorts.Status)]
    public void PagingByOffset_InEachOrder_MeetsEveryUnitOnce_InThatOrder(string sort)
    {
        var units = PageThrough(Root, new UnitQuery(Sort: sort), limit: 97);

        Assert.Equal(Fleet, units.Count);
        Assert.Equal(Fleet, units.Select(u => u.Id).Distinct(StringComparer.Ordinal).Count());
        var expected = sort switch
        {
            UnitSorts.Id => units.OrderBy(u => u.Id, StringComparer.Ordinal),
            UnitSorts.Name => units.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal),
            _ => units.OrderBy(u => u.Online).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal),
        };
        Assert.Equal(expected.Select(u => u.Id), units.Select(u => u.Id));
    }

    [Fact]
    public void SortedByStatus_OfflineUnitsComeFirst_AcrossPages_WithTheTotalOnEachPage()
    {
        int offline = (Fleet + 6) / 7;
        var first = _directory.Query(Root, new UnitQuery(Sort: UnitSorts.Status, Limit: 50)).Value!;
        var boundary = _directory.Query(Root, new UnitQuery(Sort: UnitSorts.Status, Limit: 50, Offset: offline - 10)).Value!;

        Assert.Equal(Fleet, first.Total);
        Assert.Equal(Fleet, boundary.Total);
        Assert.All(first.Items, u => Assert.Equal("offline", u.Status));
        Assert.Equal(Enumerable.Repeat("offline", 10).Concat(Enumerable.Repeat("online", 40)), boundary.Items.Select(u => u.Status));
        // Sorted pages have no cursor: they are asked for by offset.
        Assert.Null(first.NextCursor);
    }

    [Fact]
    public void AUnitGoingOffline_IsAtTheFrontOfTheStatusOrder_OnTheNextQuery()
    {
        var before = _directory.Query(Root, new UnitQuery(Sort: UnitSorts.Status, Status: "offline", Limit: 1000)).Value!;
        Assert.DoesNotContain(before.Items, u => u.Id == "node-0001");

        _h.Units.Offline("conn-1", DateTimeOffset.UtcNow);

        var after = _directory.Query(Root, new UnitQuery(Sort: UnitSorts.Status, Limit: 1000)).Value!;
        Assert.Equal(before.Total + 1, after.Items.TakeWhile(u => !u.Online).Count());
        Assert.Contains(after.Items.TakeWhile(u => !u.Online), u => u.Id == "node-0001");
    }

    [Fact]
    public void AUserGrantedTwentyUnits_PagesThroughThoseTwenty_InEveryOrder_AndCountsThem()
    {
        foreach (var sort in UnitSorts.All)
        {
            var units = PageThrough(HelpDesk, new UnitQuery(Sort: sort), limit: 6);
            Assert.Equal(Enumerable.Range(100, 20).Select(i => $"node-{i:D4}").Order(StringComparer.Ordinal), units.Select(u => u.Id).Order(StringComparer.Ordinal));
        }
        var tally = _directory.Count(HelpDesk, null);
        Assert.Equal(20, tally.Total);
        // Of node-0100..0119, node-0105, node-0112 and node-0119 are offline (every seventh).
        Assert.Equal(3, tally.Status["offline"]);
        Assert.Equal(17, tally.Status["online"]);
        Assert.Equal(0, _directory.Query(HelpDesk, new UnitQuery(Search: "node-0099")).Value!.Total);
    }

    [Fact]
    public void Counts_AreByStatus_OsAndSearch_OverTheWholeFleet()
    {
        var all = _directory.Count(Root, null);
        Assert.Equal(Fleet, all.Total);
        Assert.Equal((Fleet + 6) / 7, all.Status["offline"]);
        Assert.Equal(Fleet / 2, all.Os["Debian GNU/Linux 12"]);
        Assert.Equal(Fleet / 2, all.Os["Alpine Linux v3.20"]);

        var some = _directory.Count(Root, "node-000");
        Assert.Equal(10, some.Total);
        Assert.Equal(2, some.Status["offline"]); // node-0000 and node-0007
    }

    [Theory]
    [InlineData("size", null, null, "'sort' must be one of id, name, status; got 'size'")]
    [InlineData(null, -1, null, "'offset' must be 0 or more; got -1")]
    [InlineData("name", null, "bm9kZS0wMDEw", "'cursor' pages in id order only: with 'sort' or 'offset', page with 'offset' instead")]
    [InlineData(null, 10, "bm9kZS0wMDEw", "'cursor' pages in id order only")]
    public void ABadSortOffsetOrCursor_IsABadRequest_InWords(string? sort, int? offset, string? cursor, string message)
    {
        var refused = _directory.Query(Root, new UnitQuery(Sort: sort, Offset: offset, Cursor: cursor));

        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.StartsWith(message, refused.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeOrHostileSortOrKind_IsRefused_QuotingOnlyItsStart()
    {
        string huge = new('a', 10_000);
        foreach (var query in new[] { new UnitQuery(Sort: huge), new UnitQuery(Kind: huge), new UnitQuery(Status: huge) })
        {
            var refused = _directory.Query(Root, query);
            Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
            Assert.Contains("(10000 characters)", refused.Error.Message, StringComparison.Ordinal);
            Assert.True(refused.Error.Message.Length < 200, $"the refusal should not echo the whole value: {refused.Error.Message.Length} characters");
        }
        var dots = _directory.Query(Root, new UnitQuery(Sort: "../../etc"));
        Assert.Equal("'sort' must be one of id, name, status; got '../../etc'", dots.Error!.Message);
    }

    [Fact]
    public void TheCursor_StillPagesInIdOrder_WithTheTotal()
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = _directory.Query(Root, new UnitQuery(Limit: 400, Cursor: cursor)).Value!;
            Assert.Equal(Fleet, page.Total);
            ids.AddRange(page.Items.Select(u => u.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(0, Fleet).Select(i => $"node-{i:D4}"), ids);
    }
}
