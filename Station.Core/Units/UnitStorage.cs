using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Units;

/// <summary>A unit's storage as it was read at <see cref="ReadAt"/>.</summary>
public sealed record StorageSnapshot(string Unit, StorageInventoryResult Storage, DateTimeOffset ReadAt);

/// <summary>
/// Asks a connected agent for its storage now (a SignalR client result); null when the unit is not connected. A unit below
/// a mid station is asked through it for <c>user</c>, whose rights there decide; its refusal is a <see cref="RelayedAnswerException"/>.
/// </summary>
public interface IAgentStorageLink
{
    Task<StorageInventoryResult?> ReadAsync(string unitId, string user, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// What storage each unit has, for views: the last reading the agent sent (on connect and after every storage
/// task) or that a viewer asked for. Reading is no task and takes no lock, so a view never waits behind a task
/// holding a disk and leaves nothing in the task list; the view shows the reading's age instead. Readers need
/// <c>Task.storage.inventory</c> on the unit's disks, as the storage.inventory task does.
/// </summary>
public sealed class UnitStorage(UnitRegistry units, UnitDirectory directory, IAgentStorageLink link, TimeProvider time, ILogger<UnitStorage>? logger = null)
    : Notifier<StorageSnapshot>(logger)
{
    /// <summary>How long a viewer waits for a fresh reading before it is told the unit did not answer.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(35);

    private static readonly string Privilege = Privileges.ForKind(TaskKinds.StorageInventory);

    private readonly ConcurrentDictionary<string, StorageSnapshot> _latest = new(StringComparer.Ordinal);

    /// <summary>A reading from the unit's agent: kept, the unit's disk list updated, viewers told.</summary>
    public StorageSnapshot Update(string unit, StorageInventoryResult storage)
    {
        var snapshot = new StorageSnapshot(unit, storage, time.GetUtcNow());
        _latest[unit] = snapshot;
        units.UpdateDisks(unit, storage.Disks);
        Publish(snapshot);
        return snapshot;
    }

    /// <summary>The last reading, or null when there is none yet; refused like the storage.inventory task would be.</summary>
    public Outcome<StorageSnapshot?> Latest(Caller caller, string unit)
    {
        if (Demand(caller, unit) is { } refused) return refused;
        return _latest.TryGetValue(unit, out var snapshot) ? snapshot : new Outcome<StorageSnapshot?>(null, null);
    }

    /// <summary>Reads the unit's storage now, through its agent; the answer is kept and published like any reading.</summary>
    public async Task<Outcome<StorageSnapshot>> RefreshAsync(Caller caller, string unit, CancellationToken cancellationToken)
    {
        if (Demand(caller, unit) is { } refused) return refused;
        StorageInventoryResult? storage;
        try { storage = await link.ReadAsync(unit, caller.Name, ReadTimeout, cancellationToken).ConfigureAwait(false); }
        catch (TimeoutException) { return StationError.Conflict($"unit '{unit}' did not answer within {ReadTimeout.TotalSeconds:0} s{Age(unit)}"); }
        catch (RelayedAnswerException ex) { return ex.Error; }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return StationError.Conflict($"unit '{unit}' could not read its storage: {ex.Message}{Age(unit)}");
        }
        if (storage is null) return StationError.Conflict($"unit '{unit}' is offline{Age(unit)}");
        return Update(unit, storage);
    }

    private string Age(string unit) =>
        _latest.TryGetValue(unit, out var last) ? $"; showing what it had at {last.ReadAt:HH:mm:ss} UTC" : "";

    private StationError? Demand(Caller caller, string unit) =>
        directory.Demand(caller, unit, ResourcePath.Disks(unit), Privilege, "storage.view");
}
