using System.Text.Json;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests;

public sealed class MoveKindTests
{
    private static readonly TaskKindDefinition Move = DataKinds.Definitions().Single();

    private static JsonElement P(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("""{"source":{"unit":"a","path":"/r/f"},"destination":{"unit":"b","path":"/r/f"}}""", "b", null)]
    [InlineData("""{"source":"a:/r/f","destination":{"unit":"b","path":"/r/f"}}""", "b", "must be an object {unit, path}")]
    [InlineData("""{"source":{"unit":"a"},"destination":{"unit":"b","path":"/r/f"}}""", "b", "misses 'path'")]
    [InlineData("""{"source":{"unit":"a","path":"/r/f","x":1},"destination":{"unit":"b","path":"/r/f"}}""", "b", "unknown field 'x'")]
    [InlineData("""{"source":{"unit":"a","path":"/r/f"},"destination":{"unit":"b","path":"/r/f"},"mode":"rename"}""", "b", "one of copy, move")]
    [InlineData("""{"source":{"unit":"a","path":"/r/f"},"destination":{"unit":"b","path":"/r/f"}}""", "a", "target must be 'b'")]
    [InlineData("""{"source":{"unit":"b","path":"/r/f"},"destination":{"unit":"b","path":"/r//f/"}}""", "b", "the same")]
    [InlineData("""{"source":{"unit":"b","path":"/r"},"destination":{"unit":"b","path":"/r/sub"}}""", "b", "lies inside the source")]
    public void Validate_ExplainsEachProblem(string json, string target, string? expected)
    {
        string? problem = Move.Validate(P(json), target, out _);
        if (expected is null) Assert.Null(problem);
        else Assert.Contains(expected, problem);
    }

    [Fact]
    public void LockPlan_CopySharesSourceUntilStage1_MoveHoldsItExclusive_DestinationUntilStage2()
    {
        var copy = Move.LockPlan("b", P("""{"source":{"unit":"a","path":"/r/f"},"destination":{"unit":"b","path":"/s/f"}}"""));
        Assert.Equal([new LockRequest("/units/a/fs/r/f", LockMode.Shared, 1), new LockRequest("/units/b/fs/s/f", LockMode.Exclusive, 2)], copy);
        var move = Move.LockPlan("b", P("""{"source":{"unit":"a","path":"/r/f"},"destination":{"unit":"b","path":"/s/f"},"mode":"move"}"""));
        Assert.Equal(new LockRequest("/units/a/fs/r/f", LockMode.Exclusive), move[0]);
    }
}
