using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent;

/// <summary>
/// A failure whose message is meant for the person who started the task, with its <see cref="Kind"/> (why it failed),
/// which the station turns into statuses; <see cref="TaskErrorKind.Failed"/> unless the thrower knows better.
/// </summary>
public sealed class TaskFailureException(string message, Exception? inner = null, TaskErrorKind kind = TaskErrorKind.Failed) : Exception(message, inner)
{
    public TaskErrorKind Kind { get; } = kind;

    /// <summary>Something the task names does not exist.</summary>
    public static TaskFailureException NotFound(string message) => new(message, kind: TaskErrorKind.NotFound);

    /// <summary>What the task met forbids it: it already exists or is in use.</summary>
    public static TaskFailureException Conflict(string message) => new(message, kind: TaskErrorKind.Conflict);

    /// <summary>A parameter, or the entry it names, cannot be used as given.</summary>
    public static TaskFailureException Invalid(string message) => new(message, kind: TaskErrorKind.Invalid);

    /// <summary>The unit's ticket check or local policy does not allow it.</summary>
    public static TaskFailureException Refused(string message) => new(message, kind: TaskErrorKind.Refused);
}
