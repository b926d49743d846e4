namespace Ccdsvm.Station.Core.Tasks;

/// <summary>A row of <c>tasks</c>; SQLite integers come back as long.</summary>
public sealed class TaskRow
{
    public long Id { get; set; }
    public string Kind { get; set; } = "";
    public string Target { get; set; } = "";
    public string Owner { get; set; } = "";
    public string Parameters { get; set; } = "{}";
    public long? Slot { get; set; }
    /// <summary>Stored as its API spelling (<see cref="Shared.Contracts.TaskStateNames"/>), read back in any casing.</summary>
    public Shared.Contracts.TaskState State { get; set; } = Shared.Contracts.TaskState.Queued;
    public double Progress { get; set; }
    public string? Stage { get; set; }
    public long StageIndex { get; set; }
    public long StageCount { get; set; }
    public string? Result { get; set; }
    public string? Error { get; set; }
    /// <summary>Why the task did not succeed; stored as its API spelling (<c>error_kind</c>), null while it runs or once it succeeded.</summary>
    public Shared.Contracts.TaskErrorKind? ErrorKind { get; set; }
    public long? DedicatedThread { get; set; }
    public string? IdempotencyKey { get; set; }
    public double? WaitSeconds { get; set; }
    public string CreatedAt { get; set; } = "";
    public string? StartedAt { get; set; }
    public string? EndedAt { get; set; }
    /// <summary>The W3C traceparent of the span that admitted the task (<c>trace_parent</c>); the parent of its later spans.</summary>
    public string? TraceParent { get; set; }

    /// <summary>Not a column: where the task runs below a mid station, as its uplink reported (kept as a "relayed" event, <see cref="TaskStore.RelayedTo"/>).</summary>
    public Shared.Contracts.RelayedTo? RelayedTo { get; set; }

    public TaskRow Clone() => (TaskRow)MemberwiseClone();

    /// <summary>What the task's spans name, with its stored traceparent as their parent.</summary>
    internal Telemetry.TaskSpanSubject SpanSubject => new(Id, Kind, Target, TraceParent);
}

public sealed class LockRow
{
    public long TaskId { get; set; }
    public string Resource { get; set; } = "";
    public string Mode { get; set; } = "";
    public long ReleaseStage { get; set; }
    public long Granted { get; set; }
    public string RequestedAt { get; set; } = "";
    public string? GrantedAt { get; set; }
}
