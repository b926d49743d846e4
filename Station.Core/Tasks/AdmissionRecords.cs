using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>What the leader hands back: the committed task as a view and a copy of its row, so followers need not take the monitor again.</summary>
internal sealed record AdmittedSubmission(TaskView View, TaskRow Row, bool Granted, bool Existing, ReadyOrder? Order = null);

internal sealed record PendingSubmission(TaskKindDefinition Definition, string Target, string ParametersJson, IReadOnlyList<LockRequest> Plan,
    Caller Caller, string? IdempotencyKey, double? WaitSeconds, string? TraceParent = null)
{
    /// <summary>The canonical parameters as checked (the view of the admitted task shows them without parsing the stored text again).</summary>
    public System.Text.Json.JsonElement? Parameters { get; init; }

    /// <summary>What the task's ticket names besides its plan as held (the whole plan, normalised), known from the check.</summary>
    public IReadOnlyList<string>? TicketResources { get; init; }

    /// <summary>What the task's record warns of besides its start (<see cref="NetDuplicates"/>); null when nothing.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }

    public TaskCompletionSource<Outcome<AdmittedSubmission>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A committed batch waiting for its answers: what each submission gets, the granted tasks' views and orders
/// being built, the failure if the batch did not commit, and the WAL commit to wait for (0: nothing to wait for).
/// </summary>
internal sealed record CommittedBatch(PendingSubmission[] Batch, Outcome<AdmittedSubmission>[] Results, int[] BuiltAt, AdmittedWork? Work, Exception? Failure, long DurableAt,
    long[] AdmittedIds, IReadOnlyList<Audit.WrittenAudit> Audits);
