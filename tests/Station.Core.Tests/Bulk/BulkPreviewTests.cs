using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Bulk;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Bulk;

/// <summary>
/// The preview of a bulk task, on the real registry and access list over SQLite: the same units a submission would
/// resolve, in name order, with those the caller may not run the kind on counted, and refusals in words; nothing starts.
/// </summary>
public sealed class BulkPreviewTests : IAsyncLifetime
{
    private BulkFixture _f = null!;
    private BulkPreviews _previews = null!;

    public Task InitializeAsync()
    {
        _f = new BulkFixture(units: 30);
        for (int i = 0; i < 30; i++) _f.H.Units.SetTags(_f.UnitIds[i], i % 3 == 0 ? ["web"] : ["db"]);
        // Alice may format disks on u04 only: a storage task over the web units would be refused at once on the other nine.
        using (var c = _f.H.Db.Open()) AccessControl.Grant(c, null, "/units/u04", "alice", Roles.StorageAdmin.Name, "test", DateTimeOffset.UtcNow);
        _f.H.Access.Reload();
        _previews = new BulkPreviews(new UnitDirectory(_f.H.Units, _f.H.Access), _f.H.Access, new TaskKindCatalog());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public void A_tag_selector_counts_its_units_in_name_order_and_starts_nothing()
    {
        var preview = Ok(new BulkPreviewRequest(TaskKinds.MaintenanceHold, new BulkSelector(Tag: "web")));

        Assert.Equal(10, preview.Total);
        Assert.Equal(["u01", "u04", "u07", "u10", "u13", "u16", "u19", "u22", "u25", "u28"], preview.Sample.Select(u => u.Id));
        Assert.Equal(0, preview.MayNotRun);
        Assert.All(preview.Sample, u => Assert.Null(u.Refusal));
        Assert.Empty(_f.H.Engine.List(new TaskQuery(null, null, null, 100, null, null), EngineHarness.Alice).Value!);
    }

    [Fact]
    public void Units_the_caller_may_not_run_the_kind_on_are_counted_and_say_why()
    {
        var preview = Ok(new BulkPreviewRequest(TaskKinds.StorageMkfs, new BulkSelector(Tag: "web")));

        Assert.Equal(10, preview.Total);
        Assert.Equal(9, preview.MayNotRun);
        Assert.Null(preview.Sample.Single(u => u.Id == "u04").Refusal);
        Assert.Contains("on /units/u07", preview.Sample.Single(u => u.Id == "u07").Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_match_names_only_the_first_twenty_and_offline_units_are_counted()
    {
        _f.H.Units.Offline("conn-u02", DateTimeOffset.UtcNow);
        var preview = Ok(new BulkPreviewRequest(TaskKinds.MaintenanceHold, new BulkSelector(Name: "u*")));

        Assert.Equal(30, preview.Total);
        Assert.Equal(BulkPreview.SampleSize, preview.Sample.Count);
        Assert.Equal(1, preview.Offline);
    }

    [Theory]
    [InlineData(null, "'kind' is required")]
    [InlineData("fs.nothing", "unknown task kind 'fs.nothing'")]
    public void A_missing_or_unknown_kind_is_refused_naming_it(string? kind, string expected)
    {
        var outcome = _previews.Preview(new BulkPreviewRequest(kind, new BulkSelector(Tag: "web")), EngineHarness.Alice);
        Assert.False(outcome.Ok);
        Assert.Contains(expected, outcome.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_or_both_of_targets_and_selector_and_an_empty_selector_are_refused_in_words()
    {
        Assert.Contains("either 'targets'", Refused(new BulkPreviewRequest(TaskKinds.MaintenanceHold)), StringComparison.Ordinal);
        Assert.Contains("either 'targets'", Refused(new BulkPreviewRequest(TaskKinds.MaintenanceHold, new BulkSelector(Tag: "web"), ["u01"])), StringComparison.Ordinal);
        Assert.Contains("'selector' has no filter", Refused(new BulkPreviewRequest(TaskKinds.MaintenanceHold, new BulkSelector())), StringComparison.Ordinal);
        Assert.Contains("matches no unit", Refused(new BulkPreviewRequest(TaskKinds.MaintenanceHold, new BulkSelector(Tag: "nope"))), StringComparison.Ordinal);
    }

    private BulkPreview Ok(BulkPreviewRequest request)
    {
        var outcome = _previews.Preview(request, EngineHarness.Alice);
        Assert.True(outcome.Ok, outcome.Error?.Message);
        return outcome.Value!;
    }

    private string Refused(BulkPreviewRequest request)
    {
        var outcome = _previews.Preview(request, EngineHarness.Alice);
        Assert.False(outcome.Ok);
        return outcome.Error!.Message;
    }
}
