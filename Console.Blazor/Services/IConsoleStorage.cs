using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// A unit's storage for the circuit's user, from the station's last reading (<see cref="UnitStorage"/>): no task,
/// no lock, so the Storage page never waits behind a task that holds a disk.
/// </summary>
public interface IConsoleStorage
{
    /// <summary>The last reading, null when there is none yet; an error when the user may not see the unit's storage.</summary>
    Outcome<StorageSnapshot?> Latest(string unit);

    /// <summary>Asks the unit's agent for its storage now.</summary>
    Task<Outcome<StorageSnapshot>> RefreshAsync(string unit, CancellationToken cancellationToken);

    /// <summary>New readings of <paramref name="unit"/>. Handlers run off the renderer: hop with InvokeAsync.</summary>
    IDisposable Subscribe(string unit, Action<StorageSnapshot> handler);

    /// <summary>New readings of every unit the user may see the storage of (the fleet overview). Off the renderer.</summary>
    IDisposable SubscribeAll(Action<StorageSnapshot> handler);
}

public sealed class ConsoleStorage(ConsoleUser user, UnitStorage storage) : IConsoleStorage
{
    public Outcome<StorageSnapshot?> Latest(string unit) => storage.Latest(user.Caller, unit);

    public Task<Outcome<StorageSnapshot>> RefreshAsync(string unit, CancellationToken cancellationToken) =>
        storage.RefreshAsync(user.Caller, unit, cancellationToken);

    public IDisposable Subscribe(string unit, Action<StorageSnapshot> handler) =>
        storage.Subscribe(s => { if (s.Unit == unit) handler(s); });

    public IDisposable SubscribeAll(Action<StorageSnapshot> handler) =>
        storage.Subscribe(s => { if (storage.Latest(user.Caller, s.Unit).Ok) handler(s); });
}
