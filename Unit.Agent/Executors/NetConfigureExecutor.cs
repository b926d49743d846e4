using System.Diagnostics;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Network;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>net.configure</c>, with a rollback the agent owns: it checks every interface the change names against the network
/// as it is (nothing changes when one is missing), snapshots it, applies the change with <c>ip</c>, then waits on
/// probation. The change is kept when the station confirms in time (<see cref="NetConfirmations"/>; with
/// <c>confirm: auto</c>, when the station answers the agent's report that the change is applied); otherwise the
/// agent restores the snapshot by itself and the task fails with "rolled back: …". A change that was kept is then
/// written where the unit's network manager keeps it across a reboot (<see cref="NetPersistence"/>), or said to be
/// runtime only; a change rolled back is never written.
/// </summary>
public sealed class NetConfigureExecutor(NetConfirmations confirmations, NetHost? host = null, PendingRollbacks? pending = null, NetPersistence? persistence = null)
    : KindExecutor<NetConfigureParameters, NetConfigureResult>(NetConfigure.Contract)
{
    private static readonly TimeSpan ReportBound = TimeSpan.FromSeconds(5);
    private readonly NetHost _host = host ?? NetHost.Default;
    private readonly NetPersistence _persistence = persistence ?? NetPersistence.Default;

    /// <summary>Waits on external processes and on the station's confirmation.</summary>
    public override bool NeedsDedicatedThread => true;

    protected override async Task<NetConfigureResult> RunAsync(NetConfigureParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        int seconds = NetConfigure.RollbackOf(parameters);
        context.EnterStage(1, 3, NetConfigure.Contract.Stages[0]);
        var snapshot = await NetSnapshot.TakeAsync(_host, cancellationToken).ConfigureAwait(false);
        var plan = NetPlan.Build(parameters, snapshot.Network);
        var touched = NetConfigure.Touched(parameters);
        foreach (var line in plan.Diff) context.Log("change: " + line);

        context.EnterStage(2, 3, NetConfigure.Contract.Stages[1]);
        // On disk before anything changes: an agent that dies from here on restores it when it starts again.
        pending?.Save(context.TaskId, _host, snapshot, touched);
        try
        {
            var ran = await ApplyAsync(parameters, plan, snapshot, touched, context, cancellationToken).ConfigureAwait(false);
            using var waiter = confirmations.Expect(context.TaskId);
            var kept = await ProbationAsync(parameters, seconds, waiter, context, snapshot, touched, cancellationToken).ConfigureAwait(false);
            // Kept: from here on no restart of the agent may roll it back, so the way back goes before the change is written down.
            pending?.Forget(context.TaskId);
            return await KeptAsync(parameters, plan, kept, ran, touched, context).ConfigureAwait(false);
        }
        finally
        {
            pending?.Forget(context.TaskId);
        }
    }

    private async Task<NetConfigureResult> KeptAsync(NetConfigureParameters p, NetPlan plan, string kept, List<string> ran, IReadOnlyList<string> touched, TaskContext context)
    {
        context.Report(1, "kept: " + kept);
        // Never cancelled: the change is kept, and a half-written configuration is what the writers exist to prevent; each step is bounded on its own.
        var persisted = await _persistence.PersistAsync(p, _host, touched, context.TaskId, context.Log, CancellationToken.None).ConfigureAwait(false);
        context.Log(persisted.Persistence);
        return new NetConfigureResult(plan.Diff, kept, persisted.Backend, persisted.Persisted, persisted.Persistence, [.. ran, .. persisted.Commands], persisted.Saved);
    }

    private async Task<List<string>> ApplyAsync(NetConfigureParameters p, NetPlan plan, NetSnapshot snapshot, IReadOnlyList<string> touched, TaskContext context, CancellationToken ct)
    {
        var ran = new List<string>();
        try
        {
            foreach (var command in plan.Commands)
            {
                await _host.IpAsync(command, ct).ConfigureAwait(false);
                ran.Add("ip " + string.Join(' ', command));
                context.Log(ran[^1]);
            }
            if (p.Dns is { } dns)
            {
                _host.WriteDns(dns);
                ran.Add($"write {_host.ResolvConf}: nameserver {string.Join(", ", dns)}");
            }
            return ran;
        }
        catch (Exception ex) when (ex is TaskFailureException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            var left = await snapshot.RestoreAsync(_host, touched, context.Log).ConfigureAwait(false);
            if (ex is OperationCanceledException) throw;
            throw new TaskFailureException($"not applied: {ex.Message}; {Restored(left)}", ex);
        }
    }

    /// <summary>Waits for the confirmation; returns how the change was kept, or restores the snapshot and throws.</summary>
    private async Task<string> ProbationAsync(NetConfigureParameters p, int seconds, NetConfirmations.Waiter waiter, TaskContext context,
        NetSnapshot snapshot, IReadOnlyList<string> touched, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        bool auto = NetConfigure.IsAuto(p);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reached = ReachAsync(context, seconds, stop.Token);
        string reason;
        try
        {
            if (await WaitAsync(seconds, auto, waiter, reached, context, clock, ct).ConfigureAwait(false) is { } kept) return kept;
            reason = Reached(reached) && confirmations.StationLinked
                ? $"nobody confirmed within {seconds} s"
                : $"the station could not be reached within {seconds} s";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopped while on probation: cancelled by a person (the station is there), or the unit lost the station (its lease ended).
            if (confirmations.StationLinked)
            {
                await RollBackAsync(snapshot, touched, context, "the task was stopped before the change was confirmed").ConfigureAwait(false);
                throw;
            }
            reason = $"the station could not be reached within {clock.Elapsed.TotalSeconds:0} s (the unit stopped the task without it)";
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await reached.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        var left = await RollBackAsync(snapshot, touched, context, reason).ConfigureAwait(false);
        throw new TaskFailureException($"rolled back: {reason}; {Restored(left)}");
    }

    /// <summary>The probation's countdown, shown as the task's stage; how the change was kept, or null when the time ran out.</summary>
    private static async Task<string?> WaitAsync(int seconds, bool auto, NetConfirmations.Waiter waiter, Task<bool> reached, TaskContext context, Stopwatch clock, CancellationToken ct)
    {
        while (true)
        {
            if (waiter.Confirmed.IsCompleted)
                return $"confirmed by the station {clock.Elapsed.TotalSeconds:0.0} s after the change";
            if (auto && Reached(reached))
                return $"confirmed automatically: the station answered the agent over its connection {clock.Elapsed.TotalSeconds:0.0} s after the change";
            var remaining = TimeSpan.FromSeconds(seconds) - clock.Elapsed;
            if (remaining <= TimeSpan.Zero) return null;
            context.EnterStage(3, 3, $"{NetConfigure.WaitingStage} ({Math.Ceiling(remaining.TotalSeconds):0} s left)");
            context.Report(clock.Elapsed.TotalSeconds / seconds);
            var tick = Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), ct);
            await Task.WhenAny(waiter.Confirmed, tick, auto ? reached : tick).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
    }

    private static bool Reached(Task<bool> reached) => reached.IsCompletedSuccessfully && reached.Result;

    private async Task<IReadOnlyList<string>> RollBackAsync(NetSnapshot snapshot, IReadOnlyList<string> touched, TaskContext context, string reason)
    {
        context.EnterStage(3, 3, "rolling back: " + reason);
        var left = await snapshot.RestoreAsync(_host, touched, context.Log).ConfigureAwait(false);
        context.Log($"rolled back: {reason}; {Restored(left)}");
        return left;
    }

    /// <summary>
    /// Tells the station the change is applied (stage 2 done) until it answers: an answer proves the agent still reaches it
    /// over its normal connection after the change. True when it answered before <paramref name="seconds"/>.
    /// </summary>
    private static async Task<bool> ReachAsync(TaskContext context, int seconds, CancellationToken ct)
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed.TotalSeconds < seconds)
        {
            try
            {
                await context.StageDoneAsync(2).WaitAsync(ReportBound, ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
        return false;
    }

    private static string Restored(IReadOnlyList<string> left) => left.Count == 0
        ? "the previous network was restored"
        : $"restoring the previous network partly failed: {string.Join("; ", left)}";
}
