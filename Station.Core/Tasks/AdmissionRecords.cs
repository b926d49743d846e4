using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>What the leader hands back: the committed task as a view and a copy of its row, so followers need not take the monitor again.</summary>
internal sealed record AdmittedSubmission(TaskView View, TaskRow Row, bool Granted, bool Existing, ReadyOrder? Order = null);

internal sealed record PendingSubmission(TaskKindDefinition Definition, string Target, string ParametersJson, IReadOnlyList<LockRequest> Plan,
    Caller Caller, string? IdempotencyKey, double? WaitSeconds, string? TraceParent = null)
{
    public TaskCompletionSource<Outcome<AdmittedSubmission>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A committed batch waiting for its answers: what each submission gets, the granted tasks' views and orders
/// being built, the failure if the batch did not commit, and the WAL commit to wait for (0: nothing to wait for).
/// </summary>
internal sealed record CommittedBatch(PendingSubmission[] Batch, Outcome<AdmittedSubmission>[] Results, int[] BuiltAt, AdmittedWork? Work, Exception? Failure, long DurableAt,
    long[] AdmittedIds, IReadOnlyList<Audit.WrittenAudit> Audits);
