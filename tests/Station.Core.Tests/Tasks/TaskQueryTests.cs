using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

public sealed class TaskQueryTests
{
    private static TaskView Task(string state = "running", string owner = "alice", string target = "unit-a") =>
        new(1, "fs.checksum", target, owner, 1, state, 0, null, 0, 1, null, null, null, null, [], [], null, DateTimeOffset.UnixEpoch, null, null);

    [Fact]
    public void EmptyQuery_MatchesEveryTask()
    {
        Assert.True(new TaskQuery().Matches(Task()));
        Assert.True(new TaskQuery("", "", "").Matches(Task("failed", "bob", "unit-b")));
    }

    [Theory]
    [InlineData("running", null, null, true)]
    [InlineData("Running", null, null, true)]
    [InlineData("failed", null, null, false)]
    [InlineData(null, "alice", null, true)]
    [InlineData(null, "bob", null, false)]
    [InlineData(null, null, "unit-a", true)]
    [InlineData(null, null, "unit-b", false)]
    [InlineData("running", "alice", "unit-b", false)]
    [InlineData("running", "alice", "unit-a", true)]
    public void EachGivenField_MustEqualTheTasks(string? state, string? owner, string? target, bool expected) =>
        Assert.Equal(expected, new TaskQuery(state, owner, target).Matches(Task()));

    [Fact]
    public void WaitingForLocks_IsMatchedByItsApiName() =>
        Assert.True(new TaskQuery("waitingForLocks").Matches(Task("waitingForLocks")));
}
