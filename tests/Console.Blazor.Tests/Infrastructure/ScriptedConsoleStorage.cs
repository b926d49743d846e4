using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// The station's storage readings for bUnit: <see cref="Latest"/> answers from <see cref="Snapshots"/>, a refresh
/// answers with <see cref="OnRefresh"/> (default: the last snapshot again, read now), and <see cref="Push"/> publishes
/// a reading as the agent's report would.
/// </summary>
public sealed class ScriptedConsoleStorage(TimeProvider clock) : IConsoleStorage
{
    private readonly Notifier<StorageSnapshot> _notifier = new();
    private int _refreshes;

    public Dictionary<string, StorageSnapshot> Snapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>The answer to a refresh; null: the stored snapshot read again now.</summary>
    public Func<string, Task<Outcome<StorageSnapshot>>>? OnRefresh { get; set; }

    public StationError? Refusal { get; set; }

    public int Refreshes => Volatile.Read(ref _refreshes);

    public StorageSnapshot Set(string unit, StorageInventoryResult storage, DateTimeOffset? readAt = null) =>
        Snapshots[unit] = new StorageSnapshot(unit, storage, readAt ?? clock.GetUtcNow());

    public void Push(string unit, StorageInventoryResult storage) => _notifier.Publish(Set(unit, storage));

    public Outcome<StorageSnapshot?> Latest(string unit) =>
        Refusal is { } refused ? refused : new Outcome<StorageSnapshot?>(Snapshots.GetValueOrDefault(unit), null);

    public Task<Outcome<StorageSnapshot>> RefreshAsync(string unit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _refreshes);
        if (OnRefresh is { } answer) return answer(unit);
        return Task.FromResult<Outcome<StorageSnapshot>>(Snapshots.TryGetValue(unit, out var s) ? Set(unit, s.Storage) : StationError.Conflict($"unit '{unit}' is offline"));
    }

    public IDisposable Subscribe(string unit, Action<StorageSnapshot> handler) => _notifier.Subscribe(s => { if (s.Unit == unit) handler(s); });

    public IDisposable SubscribeAll(Action<StorageSnapshot> handler) => _notifier.Subscribe(handler);
}
