using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Why a task did not succeed, carried with its error message from the executor to the task row, the REST API
/// and the console. Callers decide statuses from it, never from the message's words. JSON: a camelCase word.
/// </summary>
[JsonConverter(typeof(TaskErrorKindJsonConverter))]
public enum TaskErrorKind
{
    /// <summary>No error: the task succeeded, or an agent that predates error kinds did not say (read as <see cref="Failed"/>).</summary>
    None = 0,

    /// <summary>Failed for a reason none of the others names: an I/O error, a tool's non-zero exit, a crash.</summary>
    Failed = 1,

    /// <summary>The parameters, or the input they point at, cannot be used as given (a bad value, a wrong type of entry).</summary>
    Invalid = 2,

    /// <summary>Something the task names does not exist (a path, a user, a group, a unit, a grant).</summary>
    NotFound = 3,

    /// <summary>What the task met forbids it: it already exists, is in use, or was already done.</summary>
    Conflict = 4,

    /// <summary>The station refused: the owner lacks a privilege it needs.</summary>
    Forbidden = 5,

    /// <summary>The unit refused the order: its ticket or the unit's local policy does not allow it.</summary>
    Refused = 6,

    /// <summary>The unit was offline or unreachable, so the task could not start or finish there.</summary>
    Unavailable = 7,

    /// <summary>A person cancelled it.</summary>
    Cancelled = 8,

    /// <summary>Stopped by a restart or an ended lease, not by a person; it may or may not have done its work.</summary>
    Interrupted = 9,

    /// <summary>It gave up waiting: its locks stayed busy past its wait limit.</summary>
    Timeout = 10,
}

public static class TaskErrorKindExtensions
{
    /// <summary>The wire and API spelling: camelCase, e.g. <c>notFound</c>.</summary>
    public static string ToApi(this TaskErrorKind kind)
    {
        var name = kind.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>Reads an API spelling back (any casing); unknown words are false.</summary>
    public static bool TryParseApi(string? text, out TaskErrorKind kind)
    {
        kind = default;
        var name = Enum.GetNames<TaskErrorKind>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return name is not null && Enum.TryParse(name, out kind);
    }

    /// <summary>
    /// The kind of a task that ended in <paramref name="state"/>: <paramref name="reported"/> where the executor
    /// said one, otherwise what the end state itself says. Null for a task that succeeded or has not ended.
    /// </summary>
    public static TaskErrorKind? ForEnd(TaskState state, TaskErrorKind reported) => state switch
    {
        TaskState.Succeeded => null,
        _ when reported != TaskErrorKind.None => reported,
        TaskState.Cancelled => TaskErrorKind.Cancelled,
        TaskState.Interrupted => TaskErrorKind.Interrupted,
        TaskState.Failed => TaskErrorKind.Failed,
        _ => null,
    };
}

/// <summary>Writes and reads <see cref="TaskErrorKind"/> as its camelCase word in any JSON options; numbers are refused.</summary>
public sealed class TaskErrorKindJsonConverter() : JsonStringEnumConverter<TaskErrorKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);
