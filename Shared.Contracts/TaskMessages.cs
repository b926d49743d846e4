using Ccdsvm.Shared.Contracts.Tickets;
using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// An order from the station to run one task. Parameters travel as the JSON the user sent; the
/// <see cref="Ticket"/> is what the station vouches for (who, what, where, until when), signed with its key.
/// <see cref="TraceParent"/> is the W3C <c>traceparent</c> of the station's dispatch span, so the agent's run of the
/// task joins the trace that began with the REST call; null when the station traces nothing (or an older station).
/// </summary>
[MessagePackObject]
public sealed record TaskOrder(
    [property: Key(0)] long TaskId,
    [property: Key(1)] string Kind,
    [property: Key(2)] string ParametersJson,
    [property: Key(3)] string Owner,
    [property: Key(4)] DateTimeOffset IssuedAt,
    [property: Key(5)] SignedTicket? Ticket,
    [property: Key(6)] string? TraceParent = null);

/// <summary>
/// Progress of a running task; coalesced by the agent to at most 10 a second. <see cref="RelayedTo"/>: sent by a mid
/// station's uplink for a task it relayed into its own list (the task's id there), null otherwise.
/// </summary>
[MessagePackObject]
public sealed record TaskProgress(
    [property: Key(0)] long TaskId,
    [property: Key(1)] long Sequence,
    [property: Key(2)] double Fraction,
    [property: Key(3)] string? Stage,
    [property: Key(4)] int StageIndex,
    [property: Key(5)] int StageCount,
    [property: Key(6)] IReadOnlyList<string> LogLines,
    [property: Key(7)] DateTimeOffset At,
    [property: Key(8)] RelayedTo? RelayedTo = null);

/// <summary>The executor finished a stage: the station releases the locks tied to it.</summary>
[MessagePackObject]
public sealed record TaskStageDone(
    [property: Key(0)] long TaskId,
    [property: Key(1)] int Stage,
    [property: Key(2)] DateTimeOffset At);

/// <summary>The task started on the agent; says which kind of thread runs it.</summary>
[MessagePackObject]
public sealed record TaskStarted(
    [property: Key(0)] long TaskId,
    [property: Key(1)] bool DedicatedThread,
    [property: Key(2)] DateTimeOffset At);

public enum TaskOutcome
{
    Succeeded = 0,
    Failed = 1,
    Cancelled = 2,

    /// <summary>
    /// Stopped by the unit itself, not by a user: its lease ended without contact with the station, or the agent
    /// restarted while the task ran (it is never run twice).
    /// </summary>
    Interrupted = 3,
}

/// <summary>
/// How a task ended on its executor. <see cref="ErrorKind"/> says why it did not succeed; an agent that predates
/// it sends none, read as <see cref="TaskErrorKind.None"/> (the station then goes by the outcome).
/// </summary>
[MessagePackObject]
public sealed record TaskResult(
    [property: Key(0)] long TaskId,
    [property: Key(1)] TaskOutcome Outcome,
    [property: Key(2)] string? ResultJson,
    [property: Key(3)] string? Error,
    [property: Key(4)] DateTimeOffset At,
    [property: Key(5)] TaskErrorKind ErrorKind = TaskErrorKind.None);

/// <summary>A task the agent is still running, announced after a reconnect so the station reattaches it.</summary>
[MessagePackObject]
public sealed record RunningTaskInfo(
    [property: Key(0)] long TaskId,
    [property: Key(1)] string Kind,
    [property: Key(2)] double Fraction,
    [property: Key(3)] string? Stage);
