using System.Text.Json;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>The error kind on the wire to the station (MessagePack, old agents included) and in the REST API's JSON.</summary>
public sealed class TaskErrorKindTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 8, 30, 0, TimeSpan.Zero);

    /// <summary>The result record as agents sent it before it carried a kind: keys 0 to 4 only.</summary>
    [MessagePackObject]
    public sealed record ResultWithoutKind(
        [property: Key(0)] long TaskId,
        [property: Key(1)] TaskOutcome Outcome,
        [property: Key(2)] string? ResultJson,
        [property: Key(3)] string? Error,
        [property: Key(4)] DateTimeOffset At);

    [Theory]
    [InlineData(TaskErrorKind.NotFound)]
    [InlineData(TaskErrorKind.Refused)]
    [InlineData(TaskErrorKind.Timeout)]
    public void A_result_keeps_its_kind_through_MessagePack(TaskErrorKind kind)
    {
        var original = new TaskResult(9, TaskOutcome.Failed, null, "'/srv/x' does not exist", At, kind);

        var copy = MessagePackSerializer.Deserialize<TaskResult>(MessagePackSerializer.Serialize(original));

        Assert.Equal(original, copy);
    }

    [Fact]
    public void A_result_from_an_agent_that_predates_kinds_reads_as_None()
    {
        var bytes = MessagePackSerializer.Serialize(new ResultWithoutKind(9, TaskOutcome.Failed, null, "disk is busy", At));

        var read = MessagePackSerializer.Deserialize<TaskResult>(bytes);

        Assert.Equal(new TaskResult(9, TaskOutcome.Failed, null, "disk is busy", At, TaskErrorKind.None), read);
    }

    [Fact]
    public void A_new_result_still_reads_as_the_older_record_an_older_station_knows()
    {
        var bytes = MessagePackSerializer.Serialize(new TaskResult(9, TaskOutcome.Failed, null, "gone", At, TaskErrorKind.NotFound));

        var read = MessagePackSerializer.Deserialize<ResultWithoutKind>(bytes);

        Assert.Equal(new ResultWithoutKind(9, TaskOutcome.Failed, null, "gone", At), read);
    }

    [Fact]
    public void Json_spells_each_kind_as_its_camelCase_word_in_any_options_and_refuses_numbers()
    {
        foreach (var kind in Enum.GetValues<TaskErrorKind>())
        {
            string json = JsonSerializer.Serialize(kind, JsonSerializerOptions.Web);
            Assert.Equal($"\"{kind.ToApi()}\"", json);
            Assert.Equal(kind, JsonSerializer.Deserialize<TaskErrorKind>(json));
            Assert.True(TaskErrorKindExtensions.TryParseApi(kind.ToApi(), out var parsed) && parsed == kind);
        }
        Assert.Equal("\"notFound\"", JsonSerializer.Serialize(TaskErrorKind.NotFound));
        Assert.Equal("{\"kind\":\"refused\"}", JsonSerializer.Serialize(new { kind = (TaskErrorKind?)TaskErrorKind.Refused }, JsonSerializerOptions.Web));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TaskErrorKind>("3"));
        Assert.False(TaskErrorKindExtensions.TryParseApi("3", out _));
    }

    [Fact]
    public void An_ended_task_has_the_kind_its_executor_reported_else_the_one_its_end_state_says()
    {
        Assert.Equal(TaskErrorKind.NotFound, TaskErrorKindExtensions.ForEnd(TaskState.Failed, TaskErrorKind.NotFound));
        Assert.Equal(TaskErrorKind.Failed, TaskErrorKindExtensions.ForEnd(TaskState.Failed, TaskErrorKind.None));
        Assert.Equal(TaskErrorKind.Cancelled, TaskErrorKindExtensions.ForEnd(TaskState.Cancelled, TaskErrorKind.None));
        Assert.Equal(TaskErrorKind.Interrupted, TaskErrorKindExtensions.ForEnd(TaskState.Interrupted, TaskErrorKind.None));
        Assert.Null(TaskErrorKindExtensions.ForEnd(TaskState.Succeeded, TaskErrorKind.None));
        Assert.Null(TaskErrorKindExtensions.ForEnd(TaskState.Succeeded, TaskErrorKind.Failed));
    }
}
