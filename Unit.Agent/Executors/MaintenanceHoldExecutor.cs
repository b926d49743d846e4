using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>maintenance.hold {resource, seconds, reason}</c>: holds until the time is up or it is cancelled.</summary>
public sealed class MaintenanceHoldExecutor(TimeProvider? time = null) : KindExecutor<MaintenanceHoldParameters, MaintenanceHoldResult>(MaintenanceHold.Contract)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override bool NeedsDedicatedThread => false;

    protected override async Task<MaintenanceHoldResult> RunAsync(MaintenanceHoldParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string resource = parameters.Resource;
        double seconds = parameters.Seconds;
        string reason = parameters.Reason ?? "maintenance";

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
        return new MaintenanceHoldResult(resource, seconds, reason);
    }
}
