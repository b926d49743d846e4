using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Station.Core.Schedules;

/// <summary>
/// The runs: a loop on the injected <see cref="TimeProvider"/> sleeps until the earliest next run of the enabled schedules
/// (or until a schedule changes) and handles every schedule that is due. A due run is started as the owner resolved now
/// (<see cref="Security.AccessControl.Resolve"/>), so a right they lost refuses it and the refusal is the run's note; it is
/// skipped and noted when the task of the schedule's previous run has not ended. At start, a schedule whose runs fell due
/// while the station was down runs once (<see cref="ScheduleMissedRuns.RunOnce"/>) or records them skipped
/// (<see cref="ScheduleMissedRuns.Skip"/>). A run's task carries an idempotency key made of the schedule and the due time,
/// so a station stopped between submitting and recording the run does not start it twice.
/// </summary>
public sealed partial class ScheduleService : IHostedService, IDisposable
{
    /// <summary>The longest the loop sleeps without looking again (the clock may be moved, a zone's rules may change).</summary>
    public static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;
    private Task? _loop;
    private long _checkedTicks = DateTimeOffset.MinValue.UtcTicks;
    private long _requested, _handled;

    /// <summary>The clock time up to which the loop has handled every due run (for tests: it is idle until the next run after it).</summary>
    public DateTimeOffset CheckedAt => new(Volatile.Read(ref _checkedTicks), TimeSpan.Zero);

    /// <summary>The last wake (<see cref="Nudge"/>, a change) whose pass has ended: every change made before it has been looked at.</summary>
    internal long Handled => Volatile.Read(ref _handled);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var token = _stop.Token;
        _loop = Task.Run(() => LoopAsync(token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        bool startup = true;
        while (!stop.IsCancellationRequested)
        {
            long seen = Volatile.Read(ref _requested);
            var now = _clock.GetUtcNow();
            DateTimeOffset? wakeAt = null;
            foreach (var row in _store.All().Where(r => r.Enabled == 1))
            {
                if (stop.IsCancellationRequested) return;
                var next = await HandleAsync(row, now, startup).ConfigureAwait(false);
                if (next is { } n && (wakeAt is null || n < wakeAt)) wakeAt = n;
            }
            startup = false;
            var until = wakeAt is { } w && w - now < MaxSleep ? w : now + MaxSleep;
            try { await SleepAsync(until, now, seen, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        }
    }

    /// <summary>Sleeps until <paramref name="until"/> on the clock or a wake; <see cref="CheckedAt"/> moves to <paramref name="checkedAt"/> once the timer is set.</summary>
    private async Task SleepAsync(DateTimeOffset until, DateTimeOffset checkedAt, long seen, CancellationToken stop)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var wait = until - _clock.GetUtcNow();
        var delay = wait > TimeSpan.Zero ? Task.Delay(wait, _clock, cts.Token) : Task.CompletedTask;
        Volatile.Write(ref _checkedTicks, checkedAt.UtcTicks);
        Volatile.Write(ref _handled, seen);
        var woken = _wake.WaitAsync(cts.Token);
        await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(delay, woken).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        stop.ThrowIfCancellationRequested();
    }

    /// <summary>Handles the schedule's run when it is due; returns its next run after that.</summary>
    private async Task<DateTimeOffset?> HandleAsync(ScheduleRow row, DateTimeOffset now, bool startup)
    {
        var anchor = StoreTime.Parse(row.Anchor);
        var next = NextAfter(row, anchor);
        if (next is not { } first || first > now) return next;
        // Every run that fell due up to now is handled as one, the latest (a loop late by several runs starts one, not a burst).
        var (due, count) = LatestDue(row, first, now);
        try
        {
            if (startup && row.MissedRuns == ScheduleMissedRuns.Skip)
                Record(row, due, now, null, ScheduleRunStates.Missed, Missed(count, due) + "; skipped as the schedule says (missedRuns: skip)", anchorAt: now);
            else
                await RunAsync(row, due, now, startup ? Missed(count, due) + "; run once at start (missedRuns: runOnce)" : null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // One schedule's failure (a store error, a schedule deleted meanwhile) never stops the others' runs.
            ScheduleLog.LogRunFailed(_logger, row.Id, due, ex);
            return now + TimeSpan.FromSeconds(30);
        }
        return NextAfter(row, startup && row.MissedRuns == ScheduleMissedRuns.Skip ? now : due);
    }

    private static string Missed(int count, DateTimeOffset due) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} run{(count == 1 ? "" : "s")} fell due while the station was down (the last at {due:u})");

    private static (DateTimeOffset Due, int Count) LatestDue(ScheduleRow row, DateTimeOffset first, DateTimeOffset now)
    {
        DateTimeOffset due = first;
        int count = 1;
        var cron = ScheduleCheck.Cron(row.Cron).Value!;
        var zone = ScheduleCheck.Zone(row.TimeZone).Value!;
        while (count < 1_000_000 && cron.GetNextOccurrence(due, zone) is { } n && n <= now)
        {
            due = n;
            count++;
        }
        return (due, count);
    }

    private async Task RunAsync(ScheduleRow row, DateTimeOffset due, DateTimeOffset now, string? note)
    {
        if (_store.LastStarted(row.Id) is { TaskId: { } previous } && _engine.View(previous) is { EndedAt: null } going)
        {
            Record(row, due, now, null, ScheduleRunStates.Overlap,
                $"not started: the previous run (task {previous}, {going.State}) is still going" + (note is null ? "" : "; " + note));
            return;
        }
        var template = JsonSerializer.Deserialize<ScheduleTemplate>(row.Template, Json) ?? new ScheduleTemplate(null);
        var request = new SubmitTask(template.Kind, template.Target, template.Parameters, null,
            string.Create(CultureInfo.InvariantCulture, $"schedule-{row.Id}-{due.UtcTicks}"), template.Targets, template.Selector, template.Rollout);
        var owner = _access.Resolve(row.Owner);
        var outcome = await _tasks.SubmitAsync(request, owner).ConfigureAwait(false);
        if (outcome.Ok) Record(row, due, now, outcome.Value!.Id, ScheduleRunStates.Started, note);
        else Record(row, due, now, null, ScheduleRunStates.Refused, $"refused: {outcome.Error!.Message}" + (note is null ? "" : "; " + note));
    }

    private void Record(ScheduleRow row, DateTimeOffset due, DateTimeOffset now, long? taskId, string state, string? note, DateTimeOffset? anchorAt = null)
    {
        _store.AddRun(new ScheduleRunRow
        {
            ScheduleId = row.Id, DueAt = StoreTime.Format(due), At = StoreTime.Format(now), TaskId = taskId, State = state, Note = note,
        }, StoreTime.Format(anchorAt ?? due));
        ScheduleLog.LogRun(_logger, row.Id, due, state, taskId, note);
        RunsRecorded.Publish(new ScheduleRunRecorded(row.Id, row.Name, row.Owner, due, now, taskId, state, note));
    }

    /// <summary>Makes the loop look at every schedule again now (a test moved the clock without reaching a run).</summary>
    internal long Nudge() => Wake();

    private long Wake()
    {
        long ticket = Interlocked.Increment(ref _requested);
        lock (_wake)
            if (_wake.CurrentCount == 0) _wake.Release();
        return ticket;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!await _stop.TryCancelAsync().ConfigureAwait(false)) return;
        if (_loop is { } loop)
        {
            try { await loop.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Disposed once, though the container disposes it twice (as itself and as the hosted service it also is).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(30)); }
        catch (AggregateException) { }
        _stop.Dispose();
        _wake.Dispose();
    }
}
