using Ccdsvm.Shared.Contracts;
using System.Text.Json;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// <c>POST /api/v1/tasks</c> body; also what the console's forms build. A bulk task names <see cref="Targets"/> or a
/// <see cref="Selector"/> instead of <see cref="Target"/>, and may say how it rolls out (the bulk rollouts start it).
/// </summary>
public sealed record SubmitTask(string? Kind, string? Target, JsonElement? Parameters, double? WaitSeconds = null, string? IdempotencyKey = null,
    IReadOnlyList<string>? Targets = null, Shared.Contracts.Bulk.BulkSelector? Selector = null, Shared.Contracts.Bulk.BulkRollout? Rollout = null)
{
    /// <summary>Whether this is a bulk task: it names targets, a selector or a rollout.</summary>
    public bool IsBulk => Targets is not null || Selector is not null || Rollout is not null;
}

public sealed record HeldLockView(string Resource, string Mode, long TaskId, string Owner, string Kind, DateTimeOffset Since, int ReleaseAfterStage);

/// <summary>
/// A lock a task waits for: the resource, the tasks holding it (or queued ahead), and in <see cref="Holders"/> who they
/// are and the reason each gave (a maintenance hold's <c>reason</c>), so a waiting pane can say why it waits.
/// </summary>
public sealed record AwaitedLockView(long TaskId, string Resource, string Mode, IReadOnlyList<long> HeldBy, string? Description,
    IReadOnlyList<LockHolderView>? Holders = null);

/// <summary>
/// A task a waiter waits behind: its owner and kind, the reason its owner stated (null when none), whether it only
/// queues ahead rather than holding, and since when it holds.
/// </summary>
public sealed record LockHolderView(long TaskId, string Owner, string Kind, string? Reason, bool QueuedAhead, DateTimeOffset? Since);

/// <summary>
/// A task as the API and the console show it (JSON camelCase). <see cref="ErrorKind"/> says why it did not
/// succeed (null while it runs and once it succeeded); decide on it, never on the words of <see cref="Error"/>.
/// <see cref="RelayedFrom"/> links a task relayed here from the station above to its task there, <see cref="RelayedTo"/>
/// a task here to the mid station and task it runs as below (README, "Layered stations").
/// </summary>
public sealed record TaskView(
    long Id,
    string Kind,
    string Target,
    string Owner,
    int? Slot,
    string State,
    double Progress,
    string? Stage,
    int StageIndex,
    int StageCount,
    JsonElement? Parameters,
    JsonElement? Result,
    string? Error,
    bool? DedicatedThread,
    IReadOnlyList<HeldLockView> HeldLocks,
    IReadOnlyList<AwaitedLockView> AwaitedLocks,
    string? WaitingFor,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    TaskErrorKind? ErrorKind = null,
    RelayedFrom? RelayedFrom = null,
    RelayedTo? RelayedTo = null)
{
    public bool CanCancel => State is Shared.Contracts.TaskStateNames.Queued or Shared.Contracts.TaskStateNames.WaitingForLocks or Shared.Contracts.TaskStateNames.Dispatched or Shared.Contracts.TaskStateNames.Running;
}

public sealed record TaskEventView(long Id, long TaskId, DateTimeOffset At, string Type, string? State, double? Progress, string? Stage, string? Message);

/// <summary>What subscribers hear: the task as it is now, and log lines new since the last update.</summary>
public sealed record TaskUpdate(TaskView Task, IReadOnlyList<string> NewLogLines);

public sealed record TaskQuery(string? State = null, string? Owner = null, string? Target = null, int Limit = 200, string? Kind = null, string? Text = null)
{
    /// <summary>The longest text a search takes.</summary>
    public const int MaxText = 200;

    /// <summary>
    /// Whether <paramref name="task"/> passes the filter: each of state (an API state name), owner, target and kind
    /// given and non-empty must equal the task's, and the text, when given, must occur (ignoring case) in its number,
    /// kind, unit, owner, stage, error or parameters. The task list applies it to live changes, as the station's list
    /// does to rows (<see cref="TaskStore.Query"/>).
    /// </summary>
    public bool Matches(TaskView task) =>
        (State is not { Length: > 0 } state || task.State == (TaskStateExtensions.TryParseApi(state, out var parsed) ? parsed.ToApi() : state))
        && (Owner is not { Length: > 0 } owner || task.Owner == owner)
        && (Target is not { Length: > 0 } target || task.Target == target)
        && (Kind is not { Length: > 0 } kind || task.Kind == kind)
        && (Text is not { Length: > 0 } text || MatchesText(task, text));

    private static bool MatchesText(TaskView task, string text) =>
        task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == text
        || new[] { task.Kind, task.Target, task.Owner, task.Stage, task.Error, task.Parameters?.GetRawText() }
            .Any(field => field?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);
}
