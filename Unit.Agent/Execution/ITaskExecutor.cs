using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>One implementation per task kind.</summary>
public interface ITaskExecutor
{
    string Kind { get; }

    /// <summary>
    /// True for blocking work (an external process, synchronous I/O): the runner gives it a thread of its
    /// own instead of the pool.
    /// </summary>
    bool NeedsDedicatedThread { get; }

    /// <summary>Runs the task; returns the result object (serialised as camelCase JSON) or throws <see cref="TaskFailureException"/>.</summary>
    Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken);
}
