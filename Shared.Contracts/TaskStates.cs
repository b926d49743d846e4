namespace Ccdsvm.Shared.Contracts;

/// <summary>Task life cycle: Queued → WaitingForLocks → Dispatched → Running → an end state.</summary>
public enum TaskState
{
    Queued = 0,
    WaitingForLocks = 1,
    Dispatched = 2,
    Running = 3,
    Succeeded = 4,
    Failed = 5,
    Cancelled = 6,
    Interrupted = 7,
}

public static class TaskStateExtensions
{
    public static bool IsEnded(this TaskState state) =>
        state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled or TaskState.Interrupted;

    /// <summary>The wire and API spelling: camelCase, e.g. <c>waitingForLocks</c>.</summary>
    public static string ToApi(this TaskState state)
    {
        var name = state.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>The state in words for people: <c>waiting for locks</c>; the API spelling stays <see cref="ToApi"/>.</summary>
    public static string ToWords(this TaskState state) => state switch
    {
        TaskState.WaitingForLocks => "waiting for locks",
        _ => state.ToApi(),
    };

    /// <summary>Accepts a state name in any casing; numbers such as "1" are not an API spelling.</summary>
    public static bool TryParseApi(string? text, out TaskState state)
    {
        state = default;
        var name = Enum.GetNames<TaskState>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return name is not null && Enum.TryParse(name, out state);
    }
}

/// <summary>
/// The API spelling of each <see cref="TaskState"/> as constants, for the store's text column and pattern matches;
/// the only place a state's name is written out (a test checks they equal <see cref="TaskStateExtensions.ToApi"/>).
/// </summary>
public static class TaskStateNames
{
    public const string Queued = "queued";
    public const string WaitingForLocks = "waitingForLocks";
    public const string Dispatched = "dispatched";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Interrupted = "interrupted";
}
