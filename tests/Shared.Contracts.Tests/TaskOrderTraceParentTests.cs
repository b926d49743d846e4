using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>The order's traceparent on the wire to the agent: kept, and absent (null) in an order from an older station.</summary>
public sealed class TaskOrderTraceParentTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 2, 30, 0, TimeSpan.Zero);
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    /// <summary>The order as stations sent it before it carried a traceparent: keys 0 to 5 only.</summary>
    [MessagePackObject]
    public sealed record OrderWithoutTraceParent(
        [property: Key(0)] long TaskId,
        [property: Key(1)] string Kind,
        [property: Key(2)] string ParametersJson,
        [property: Key(3)] string Owner,
        [property: Key(4)] DateTimeOffset IssuedAt,
        [property: Key(5)] Tickets.SignedTicket? Ticket);

    [Fact]
    public void An_order_keeps_its_traceparent_through_MessagePack()
    {
        var original = new TaskOrder(42, TaskKinds.FsMkdir, """{"path":"/srv/a"}""", "alice", At, null, TraceParent);

        var copy = MessagePackSerializer.Deserialize<TaskOrder>(MessagePackSerializer.Serialize(original));

        Assert.Equal(TraceParent, copy.TraceParent);
        Assert.Equal(original, copy);
    }

    [Fact]
    public void An_order_from_a_station_that_predates_traceparents_reads_as_none()
    {
        var bytes = MessagePackSerializer.Serialize(new OrderWithoutTraceParent(42, TaskKinds.FsMkdir, "{}", "alice", At, null));

        var read = MessagePackSerializer.Deserialize<TaskOrder>(bytes);

        Assert.Equal(new TaskOrder(42, TaskKinds.FsMkdir, "{}", "alice", At, null), read);
        Assert.Null(read.TraceParent);
    }
}
