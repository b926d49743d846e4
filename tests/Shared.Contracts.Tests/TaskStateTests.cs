using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Shared.Contracts.Tests;

public class TaskStateTests
{
    [Theory]
    [InlineData(TaskState.Queued, "queued")]
    [InlineData(TaskState.WaitingForLocks, "waitingForLocks")]
    [InlineData(TaskState.Dispatched, "dispatched")]
    [InlineData(TaskState.Running, "running")]
    [InlineData(TaskState.Succeeded, "succeeded")]
    [InlineData(TaskState.Failed, "failed")]
    [InlineData(TaskState.Cancelled, "cancelled")]
    [InlineData(TaskState.Interrupted, "interrupted")]
    public void ToApi_GivesCamelCase_AndTryParseApiReadsItBack(TaskState state, string api)
    {
        Assert.Equal(api, state.ToApi());
        Assert.True(TaskStateExtensions.TryParseApi(api, out var parsed));
        Assert.Equal(state, parsed);
    }

    [Theory]
    [InlineData("WAITINGFORLOCKS", TaskState.WaitingForLocks)]
    [InlineData("Running", TaskState.Running)]
    public void TryParseApi_OtherCasing_Accepts(string text, TaskState expected)
    {
        Assert.True(TaskStateExtensions.TryParseApi(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("waiting")]
    [InlineData("done")]
    [InlineData("99")]
    [InlineData("-1")]
    [InlineData("1")]
    [InlineData(" running")]
    [InlineData("Queued,Running")]
    public void TryParseApi_UnknownText_Refuses(string? text)
    {
        Assert.False(TaskStateExtensions.TryParseApi(text, out _));
    }

    [Theory]
    [InlineData(TaskState.Succeeded, true)]
    [InlineData(TaskState.Failed, true)]
    [InlineData(TaskState.Cancelled, true)]
    [InlineData(TaskState.Interrupted, true)]
    [InlineData(TaskState.Queued, false)]
    [InlineData(TaskState.WaitingForLocks, false)]
    [InlineData(TaskState.Dispatched, false)]
    [InlineData(TaskState.Running, false)]
    public void IsEnded_OnlyForEndStates(TaskState state, bool ended)
    {
        Assert.Equal(ended, state.IsEnded());
    }
}
