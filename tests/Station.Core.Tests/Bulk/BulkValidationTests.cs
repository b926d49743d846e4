using Ccdsvm.Shared.Contracts.Bulk;
using static Ccdsvm.Station.Core.Tests.Bulk.BulkFixture;

namespace Ccdsvm.Station.Core.Tests.Bulk;

/// <summary>What a bulk request is refused for, before anything is stored: 400 with the field named.</summary>
[Collection(StoreCollection.Name)]
public sealed class BulkValidationTests
{
    public static TheoryData<string, string> Refusals => new()
    {
        { "target+targets", "give either 'target' (one unit) or 'targets' / 'selector' (a bulk task over many units), not both" },
        { "targets+selector", "give either 'targets' (a list of unit ids) or 'selector' (filters over the units list), not both" },
        { "rollout alone", "'rollout' needs 'targets' (a list of unit ids) or 'selector' (filters over the units list)" },
        { "empty targets", "'targets' is empty: name at least one unit id" },
        { "twice", "'targets' names unit 'u01' twice" },
        { "no match", "the selector matches no unit" },
        { "empty selector", "'selector' has no filter: give at least one of tag, status, parent, os, name, search, kind (every unit: {\"name\": \"*\"})" },
        { "bad status", "selector: 'status' must be online, offline or unreachable; got 'asleep'" },
        { "parallelism 0", "'rollout.parallelism' must be at least 1; got 0" },
        { "percent 150", "'rollout.parallelism' as a percent must be more than 0% and at most 100%; got 150%" },
        { "parallelism word", "'rollout.parallelism' must be a number of units (e.g. 5) or a percent such as \"10%\"; got \"many\"" },
        { "order", "'rollout.order' must be one of name, tag, random; got 'size'" },
        { "maxFailures 0", "'rollout.maxFailures' must be at least 1; got 0 (for no budget leave it out and set 'keepGoing': true)" },
        { "percent budget", "'rollout.maxFailurePercent' must be more than 0 and at most 100; got 120" },
        { "wait", "'rollout.batchWaitSeconds' must be between 0 and 86400 seconds; got -1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_WithTheFieldNamed_AndNothingStored(string what, string message)
    {
        await using var f = new BulkFixture(units: 2);
        var ok = HoldOn(["u01", "u02"]);
        var request = what switch
        {
            "target+targets" => ok with { Target = "u01" },
            "targets+selector" => ok with { Selector = new BulkSelector(Tag: "db") },
            "rollout alone" => ok with { Targets = null },
            "empty targets" => ok with { Targets = [] },
            "twice" => ok with { Targets = ["u01", "u02", "u01"] },
            "no match" => HoldOn(selector: new BulkSelector(Name: "web-*")),
            "empty selector" => HoldOn(selector: new BulkSelector()),
            "bad status" => HoldOn(selector: new BulkSelector(Status: "asleep")),
            "parallelism 0" => ok with { Rollout = new BulkRollout(Parallelism: BulkParallelism.Of(0)) },
            "percent 150" => ok with { Rollout = new BulkRollout(Parallelism: Parse("\"150%\"")) },
            "parallelism word" => ok with { Rollout = new BulkRollout(Parallelism: Parse("\"many\"")) },
            "order" => ok with { Rollout = new BulkRollout(Order: "size") },
            "maxFailures 0" => ok with { Rollout = new BulkRollout(MaxFailures: 0) },
            "percent budget" => ok with { Rollout = new BulkRollout(MaxFailurePercent: 120) },
            "wait" => ok with { Rollout = new BulkRollout(BatchWaitSeconds: -1) },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        var outcome = await f.Bulk.SubmitAsync(request, EngineHarness.Alice).WaitAsync(EngineHarness.Limit);

        Assert.Equal((StationErrorKind.BadRequest, message), (outcome.Error?.Kind, outcome.Error?.Message));
        Assert.Empty(f.Bulk.Running);
        Assert.Equal(0, f.H.Engine.ActiveCount);
    }

    [Fact]
    public void Parallelism_ReadsCountsAndPercents_AsJsonHasThem()
    {
        Assert.Equal(BulkParallelism.Of(5), Parse("5"));
        Assert.Equal(BulkParallelism.Of(5), Parse("\"5\""));
        Assert.Equal(BulkParallelism.OfPercent(10), Parse("\"10%\""));
        Assert.Equal(4, Parse("\"10%\"").For(40));
        Assert.Equal(1, Parse("\"1%\"").For(40));
    }

    [Theory]
    [InlineData(null, null, false, 1)]
    [InlineData(null, null, true, null)]
    [InlineData(3, null, true, 3)]
    [InlineData(3, 5.0, false, 2)]
    [InlineData(null, 10.0, false, 4)]
    public void Budget_IsTheSmallerOfCountAndPercent_AndKeepGoingFalseMeansOne(int? maxFailures, double? percent, bool keepGoing, int? budget) =>
        Assert.Equal(budget, Ccdsvm.Station.Core.Bulk.BulkRequestCheck.Budget(new BulkRollout(KeepGoing: keepGoing, MaxFailures: maxFailures, MaxFailurePercent: percent), 40));

    private static BulkParallelism Parse(string json) => System.Text.Json.JsonSerializer.Deserialize<BulkParallelism>(json)!;
}
