using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Telemetry;

/// <summary>
/// The station's spans of a task. A task outlives the REST call that submitted it, so the W3C <c>traceparent</c> of
/// its <c>task.admit</c> span is stored with the task (<see cref="TaskRow.TraceParent"/>) and every later span of
/// the task (lock wait, dispatch, end) starts with it as parent; the dispatch span's own traceparent travels in the
/// order, so the agent's <c>task.run {kind}</c> span is its child. A task without one (admitted before a restart, or
/// while nothing traced) gets root spans of its own, never the parent of whatever call happens to run them.
/// </summary>
public static class StationTelemetry
{
    public const string SourceName = "Ccdsvm.Station";
    public const string TaskIdTag = "ccdsvm.task.id";
    public const string KindTag = "ccdsvm.task.kind";
    public const string UnitIdTag = "ccdsvm.unit.id";
    public const string StateTag = "ccdsvm.task.state";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>The W3C traceparent of an activity, or null when there is none (or it is not in W3C format).</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>
    /// Starts a span of a task under its stored traceparent. It also becomes <see cref="Activity.Current"/>: call it
    /// from an async method (whose change of the current activity does not reach its caller) or use <see cref="Record"/>.
    /// </summary>
    internal static Activity? StartTask(string name, TaskSpanSubject row, ActivityKind kind = ActivityKind.Internal, DateTimeOffset startTime = default)
    {
        if (!Source.HasListeners()) return null;
        bool linked = ActivityContext.TryParse(row.TraceParent, null, out var parent);
        // No stored parent: a root span, not a child of the hub call or timer that happens to run this.
        if (!linked) Activity.Current = null;
        var activity = Source.StartActivity(name, kind, parent, startTime: startTime);
        activity?.SetTag(TaskIdTag, row.Id).SetTag(KindTag, row.Kind).SetTag(UnitIdTag, row.UnitId);
        return activity;
    }

    /// <summary>
    /// A finished span of a task from <paramref name="start"/> to now, with <paramref name="inside"/> run within it (its
    /// log lines carry the span's trace); the caller's current activity is left as it was.
    /// </summary>
    internal static void Record(string name, TaskSpanSubject row, DateTimeOffset start = default, string? state = null, Action? inside = null)
    {
        if (!Source.HasListeners())
        {
            inside?.Invoke();
            return;
        }
        var previous = Activity.Current;
        try
        {
            using var activity = StartTask(name, row, startTime: start);
            if (state is not null) activity?.SetTag(StateTag, state);
            inside?.Invoke();
        }
        finally { Activity.Current = previous; }
    }

    /// <summary>A logging scope naming the task and its unit: every line logged inside carries TaskId and UnitId.</summary>
    public static IDisposable? BeginTaskScope(this ILogger logger, long taskId, string unitId) =>
        logger.BeginScope(new Shared.Contracts.Telemetry.TaskLogScope(taskId, unitId));
}

/// <summary>What a task's spans name: the task, its kind, its unit, and the traceparent stored with it (the parent).</summary>
internal readonly record struct TaskSpanSubject(long Id, string Kind, string UnitId, string? TraceParent);
