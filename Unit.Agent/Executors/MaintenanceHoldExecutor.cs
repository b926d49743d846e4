using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>maintenance.hold {resource, seconds, reason}</c>: holds until the time is up or it is cancelled.</summary>
public sealed class MaintenanceHoldExecutor(TimeProvider? time = null) : ITaskExecutor
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Kind => TaskKinds.MaintenanceHold;
    public bool NeedsDedicatedThread => false;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string resource = parameters.RequiredString("resource");
        double seconds = parameters.RequiredNumber("seconds");
        if (seconds <= 0 || seconds > 7 * 24 * 3600) throw new TaskFailure("parameter 'seconds' must be between 1 and 604800 (7 days)");
        string reason = parameters.OptionalString("reason") ?? "maintenance";

        context.EnterStage(1, 1, $"holding {resource}: {reason}");
        context.Log($"holding {resource} for {seconds:0.#} s: {reason}");
        var started = _time.GetTimestamp();
        var total = TimeSpan.FromSeconds(seconds);
        while (true)
        {
            var elapsed = _time.GetElapsedTime(started);
            if (elapsed >= total) break;
            context.Report(elapsed / total, $"holding {resource}: {(total - elapsed).TotalSeconds:0} s left");
            var step = TimeSpan.FromMilliseconds(Math.Min(250, (total - elapsed).TotalMilliseconds));
            await Task.Delay(step, _time, cancellationToken).ConfigureAwait(false);
        }
        context.Report(1, "released");
        return new { resource, seconds, reason };
    }
}
