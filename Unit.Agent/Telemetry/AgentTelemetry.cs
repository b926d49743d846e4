using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ccdsvm.Unit.Agent.Telemetry;

/// <summary>
/// The agent's spans and instruments. A task's <c>task.run {kind}</c> span is a child of the station's dispatch span,
/// whose W3C traceparent comes in the order (<see cref="Shared.Contracts.TaskOrder.TraceParent"/>); an order without
/// one starts a trace of its own. Exported when the host's OpenTelemetry listens (OTEL_EXPORTER_OTLP_ENDPOINT set, or
/// the station co-hosting this agent).
/// </summary>
public static class AgentTelemetry
{
    public const string SourceName = "Ccdsvm.Agent";
    public const string MeterName = "Ccdsvm.Agent";

    internal static readonly ActivitySource Source = new(SourceName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> TransferredBytes = Meter.CreateCounter<long>("ccdsvm.agent.transfer.bytes", "By",
        "Bytes this agent received over the data plane (data.move, uploads)");

    /// <summary>Starts the run span of a task under the order's traceparent; call it from an async method (it becomes current there).</summary>
    internal static Activity? StartRun(Shared.Contracts.TaskOrder order, string unitId)
    {
        if (!Source.HasListeners()) return null;
        bool linked = ActivityContext.TryParse(order.TraceParent, null, out var parent);
        if (!linked) Activity.Current = null;
        var activity = Source.StartActivity("task.run " + order.Kind, ActivityKind.Consumer, parent);
        activity?.SetTag("ccdsvm.task.id", order.TaskId).SetTag("ccdsvm.task.kind", order.Kind).SetTag("ccdsvm.unit.id", unitId);
        return activity;
    }

    internal static void Transferred(long bytes)
    {
        if (bytes > 0) TransferredBytes.Add(bytes);
    }
}
