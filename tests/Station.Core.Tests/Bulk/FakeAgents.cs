using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tests.Bulk;

/// <summary>
/// Stands for the agents of a harness's units: takes every order the engine sent, reports it started, and reports its end
/// after <see cref="RunFor"/> (failed on the units <see cref="Fails"/> names); answers cancels. Counts how many tasks run at
/// once. Survives the harness's restart (it reads the harness's engine and dispatcher each round); stop it around one.
/// </summary>
internal sealed class FakeAgents(EngineHarness h) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, (string Unit, DateTime EndAt)> _running = new();
    private readonly HashSet<long> _seen = [];
    private readonly object _countGate = new();
    private int _now;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public TimeSpan RunFor { get; init; } = TimeSpan.FromMilliseconds(20);
    public Func<string, bool> Fails { get; init; } = _ => false;

    /// <summary>The most tasks that ran at once on the units.</summary>
    public int MaxAtOnce { get; private set; }

    /// <summary>The tasks started on each unit, in order.</summary>
    public ConcurrentDictionary<string, List<long>> StartedOn { get; } = new();

    private RecordingDispatcher? _dispatcher;
    private int _taken;

    public IReadOnlyCollection<long> Started { get { lock (_seen) return [.. _seen]; } }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        var token = _stop.Token;
        _loop = Task.Run(() => LoopAsync(token));
    }

    public async Task StopAsync()
    {
        if (_stop is null) return;
        // Like an agent that stays up while the station restarts: every order already sent reaches it first.
        h.Dispatcher.Settle();
        var deadline = DateTime.UtcNow + EngineHarness.Limit;
        while (!ReferenceEquals(Volatile.Read(ref _dispatcher), h.Dispatcher) || Volatile.Read(ref _taken) < h.Dispatcher.SentSoFar.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the fake agents did not take the orders sent");
            await Task.Delay(2);
        }
        await _stop.CancelAsync();
        await _loop!.WaitAsync(EngineHarness.Limit);
        _stop.Dispose();
        _stop = null;
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var cancelled = new HashSet<long>();
        while (!stop.IsCancellationRequested)
        {
            var engine = h.Engine;
            if (!ReferenceEquals(_dispatcher, h.Dispatcher)) (_dispatcher, _taken) = (h.Dispatcher, 0);
            var sent = _dispatcher.SentSoFar;
            foreach (var (unit, order) in sent.Skip(_taken))
            {
                _taken++;
                lock (_seen)
                {
                    // An order sent again (after a restart) for a task already taken is not a second run.
                    if (!_seen.Add(order.TaskId)) continue;
                    StartedOn.GetOrAdd(unit, _ => []).Add(order.TaskId);
                }
                lock (_countGate) MaxAtOnce = Math.Max(MaxAtOnce, ++_now);
                h.Clock.Advance(TimeSpan.FromMilliseconds(1));
                engine.OnStarted(unit, new TaskStarted(order.TaskId, false, h.Clock.GetUtcNow()));
                _running[order.TaskId] = (unit, DateTime.UtcNow + RunFor);
            }
            foreach (var (unit, id) in h.Dispatcher.Cancels)
            {
                if (!cancelled.Add(id) || !_running.TryRemove(id, out _)) continue;
                await End(engine, unit, id, TaskOutcome.Cancelled);
            }
            foreach (var (id, run) in _running)
            {
                if (run.EndAt > DateTime.UtcNow || !_running.TryRemove(id, out _)) continue;
                await End(engine, run.Unit, id, Fails(run.Unit) ? TaskOutcome.Failed : TaskOutcome.Succeeded);
            }
            try { await Task.Delay(2, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task End(Ccdsvm.Station.Core.Tasks.TaskEngine engine, string unit, long id, TaskOutcome outcome)
    {
        lock (_countGate) _now--;
        h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await engine.OnResultAsync(unit, new TaskResult(id, outcome, null, outcome == TaskOutcome.Failed ? "the disk said no" : null, h.Clock.GetUtcNow(),
            outcome == TaskOutcome.Failed ? TaskErrorKind.Failed : TaskErrorKind.None)).WaitAsync(EngineHarness.Limit);
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
