using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Hubs;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// Views of a unit below a mid station (README, "Layered stations"): asked of the mid station's connection only for a unit
/// below it, a unit connected here being asked as before; what the station below answers becomes the view's value or its
/// error; and a mid station words a refusal naming itself, passing on one a station further down already worded.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class RelayedViewsTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);

    public RelayedViewsTests()
    {
        _h.Online("leaf");
        _h.Units.Online("conn-mid-1", EngineHarness.Inventory("mid-1") with { Kind = UnitKind.Station }, DateTimeOffset.UtcNow);
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task OnlyAUnitBelowAMidStation_IsAskedThroughThatStationsConnection()
    {
        await _h.Units.ApplySubtreeAsync("mid-1", new SubtreeUpdate(true,
        [
            new SubtreeUnit(EngineHarness.Inventory("mid-2") with { Kind = UnitKind.Station, Parent = "mid-1" }, "online", []),
            new SubtreeUnit(EngineHarness.Inventory("u7") with { Parent = "mid-2" }, "online", []),
        ], []), DateTimeOffset.UtcNow).WaitAsync(EngineHarness.Limit);

        Assert.Equal("conn-mid-1", RelayedViews.RelayConnectionOf(_h.Units, "u7"));
        Assert.Equal("conn-mid-1", RelayedViews.RelayConnectionOf(_h.Units, "mid-2"));
        Assert.Null(RelayedViews.RelayConnectionOf(_h.Units, "mid-1"));
        Assert.Null(RelayedViews.RelayConnectionOf(_h.Units, "leaf"));
        Assert.Null(RelayedViews.RelayConnectionOf(_h.Units, "nowhere"));
    }

    [Fact]
    public void TheAnswerBelow_IsTheViewsValue_OrItsErrorInTheWordsOfWhoeverRefused()
    {
        var storage = new StorageInventoryResult([], [], [], [], [], true);
        var answered = RelayedViews.Value<StorageInventoryResult>(new ViewReadAnswer(System.Text.Json.JsonSerializer.Serialize(storage, KindJson.ResultOptions), null), "u7", "storage");
        Assert.True(answered.MdAvailable);

        var refused = Assert.Throws<RelayedAnswerException>(() =>
            RelayedViews.Value<ProcessList>(new ViewReadAnswer(null, "refused at mid-2: zed@top has no rights on /units/u7 there", TaskErrorKind.Forbidden), "u7", "process list"));
        Assert.Equal((StationErrorKind.Forbidden, "refused at mid-2: zed@top has no rights on /units/u7 there"), (refused.Error.Kind, refused.Error.Message));

        var garbled = Assert.Throws<RelayedAnswerException>(() => RelayedViews.Value<ProcessList>(new ViewReadAnswer("[1,2", null), "u7", "process list"));
        Assert.Equal(StationErrorKind.Conflict, garbled.Error.Kind);
        Assert.Contains("not its process list", garbled.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMidStation_NamesItselfInItsRefusals_AndPassesOnThoseWordedFurtherDown()
    {
        var relay = new TaskRelay(_h.Engine, _h.Notifier, _h.Access, _h.Units, new UpstreamOptions { Url = "https://top.example:5080", Name = "mid-1", Label = "top" });
        var zed = relay.CallerOf("zed");
        Assert.Equal("zed@top", zed.Name);

        var unseen = relay.Refusal(zed, "leaf", StationError.NotFound("unit 'leaf' is not known"));
        Assert.Equal(TaskErrorKind.Forbidden, unseen.Kind);
        Assert.StartsWith("refused at mid-1: zed@top has no rights on /units/leaf there", unseen.Error, StringComparison.Ordinal);

        var below = relay.Refusal(zed, "leaf", StationError.Forbidden("refused at mid-2: zed@top has no rights on /units/u7 there"));
        Assert.Equal(("refused at mid-2: zed@top has no rights on /units/u7 there", TaskErrorKind.Forbidden), below);

        var busy = relay.Refusal(zed, "leaf", StationError.Conflict("unit 'leaf' did not answer within 35 s"));
        Assert.Equal(("at mid-1: unit 'leaf' did not answer within 35 s", TaskErrorKind.Conflict), busy);
    }
}
