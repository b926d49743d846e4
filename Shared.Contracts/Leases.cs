using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// An agent asks the station to renew its lease (Agent:LeaseSeconds; 0 asks for the longest the station grants). The lease runs from the moment the agent
/// sent the request: once it ends without a renewal, the agent stops the tasks whose locks the station may hand on.
/// </summary>
[MessagePackObject]
public sealed record LeaseRequest([property: Key(0)] int LeaseSeconds);

/// <summary>The lease the station grants: at most Station:RecoveryGraceSeconds less Station:LeaseMarginSeconds.</summary>
[MessagePackObject]
public sealed record LeaseGrant([property: Key(0)] int LeaseSeconds, [property: Key(1)] DateTimeOffset At);

public enum OrderReceiptStatus
{
    /// <summary>New: recorded durably and started.</summary>
    Accepted = 0,

    /// <summary>The task is running here already; the repeated order changes nothing.</summary>
    AlreadyRunning = 1,

    /// <summary>The task ended here before; its recorded outcome is reported again instead of running it again.</summary>
    AlreadyEnded = 2,

    /// <summary>The unit refused the order (its ticket or local policy); the refusal follows as the task's result.</summary>
    Refused = 3,
}

/// <summary>The agent received an order (and, when accepted, recorded it durably before it starts).</summary>
[MessagePackObject]
public sealed record OrderReceipt(
    [property: Key(0)] long TaskId,
    [property: Key(1)] OrderReceiptStatus Status,
    [property: Key(2)] DateTimeOffset At);
