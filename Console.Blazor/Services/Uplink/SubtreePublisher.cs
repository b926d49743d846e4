using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// Tells the upper station about the units below this one (README, "Layered stations"): the whole subtree after every
/// connect (<see cref="Snapshot"/>, sent by the uplink agent), then what changed, gathered for a quarter of a second so a
/// burst of changes goes up as one update. Units directly below this station hang from its own unit up there.
/// </summary>
public sealed partial class SubtreePublisher(UnitRegistry units, string self, ILogger<SubtreePublisher> logger) : ISubtreeSource, IAsyncDisposable
{
    /// <summary>How long changes are gathered before they go up.</summary>
    public static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(250);

    private readonly object _gate = new();
    private HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private IDisposable? _subscription;
    private Task _loop = Task.CompletedTask;

    public IReadOnlyList<SubtreeUpdate> Snapshot()
    {
        var all = units.All().Where(v => v.Id != TaskEngine.StationTarget).Select(ToUnit).OfType<SubtreeUnit>().ToList();
        if (all.Count == 0) return [new SubtreeUpdate(true, [], [])];
        return [.. SubtreeChunks.Split(all).Select((chunk, i) => new SubtreeUpdate(i == 0, chunk, []))];
    }

    /// <summary>Starts sending changes through <paramref name="link"/>.</summary>
    public void Start(StationConnection link)
    {
        _subscription = units.Subscribe(view =>
        {
            if (view.Id == TaskEngine.StationTarget) return;
            lock (_gate) _changed.Add(view.Id);
            _signal.Release();
        });
        using (ExecutionContext.SuppressFlow()) _loop = Task.Run(() => SendAsync(link, _stop.Token));
    }

    private async Task SendAsync(StationConnection link, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _signal.WaitAsync(stop).ConfigureAwait(false);
                await Task.Delay(Batch, stop).ConfigureAwait(false);
                HashSet<string> ids;
                lock (_gate) (ids, _changed) = (_changed, new HashSet<string>(StringComparer.Ordinal));
                while (_signal.CurrentCount > 0) _signal.Wait(0, CancellationToken.None);
                if (ids.Count == 0) continue;
                var upserts = new List<SubtreeUnit>();
                var removed = new List<string>();
                foreach (var id in ids)
                {
                    if (units.View(id) is { } view && ToUnit(view) is { } unit) upserts.Add(unit);
                    else removed.Add(id);
                }
                foreach (var chunk in SubtreeChunks.Split(upserts))
                    await link.AnnounceSubtreeAsync(new SubtreeUpdate(false, chunk, [])).ConfigureAwait(false);
                if (removed.Count > 0) await link.AnnounceSubtreeAsync(new SubtreeUpdate(false, [], [.. removed.Take(SubtreeUpdate.MaxUnits)])).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception ex) when (ex is not OutOfMemoryException) { LogFailed(ex); }
    }

    private SubtreeUnit? ToUnit(UnitView view)
    {
        if (units.InventoryOf(view.Id) is not { } inventory) return null;
        return new SubtreeUnit(inventory with { Parent = view.Parent ?? self }, view.Status, view.Tags ?? []);
    }

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }

    [LoggerMessage(1902, LogLevel.Error, "Uplink: sending the units below this station to the upper station stopped")]
    private partial void LogFailed(Exception ex);
}
