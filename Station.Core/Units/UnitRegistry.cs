using Microsoft.Extensions.Logging;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// Known units, which are online, and through which hub connection. Persisted so offline units stay listed. Every
/// event costs the same whatever the size of the fleet: connections are indexed, the online count is kept, and the
/// store writes of units coming and going together share commits (<see cref="GroupCommit"/>).
/// </summary>
public sealed partial class UnitRegistry : Notifier<UnitView>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly object _gate = new();
    private readonly Dictionary<string, Entry> _units = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unitOfConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _tags = new(StringComparer.Ordinal);
    private int _online;
    private readonly StationDb _db;
    // Each unit's view, rebuilt when that unit changes; the ids in id and in name order, sorted again only when a unit
    // comes or is renamed; and the views in both orders, gathered on the first read after a change, so every circuit's
    // refresh between two changes reads the same arrays (see Snapshot) and a change costs one view, not the fleet's.
    private readonly Dictionary<string, UnitView> _views = new(StringComparer.Ordinal);
    private (string[] ById, string[] ByName)? _order;
    private UnitSnapshot? _snapshot;

    /// <summary>A unit's state here; for a unit below a mid station, also its status and tags there (null: not heard since the link came up).</summary>
    private sealed record Entry(UnitInventory Inventory, string? ConnectionId, DateTimeOffset LastSeen, DateTimeOffset? OfflineSince,
        string? RelayedStatus = null, IReadOnlyList<string>? RelayedTags = null);

    private readonly ILogger? _logger;

    public UnitRegistry(StationDb db, ILogger<UnitRegistry>? logger = null) : base(logger)
    {
        _db = db;
        _logger = logger;
        using var c = db.Open();
        foreach (var (id, inventory, lastSeen, offlineSince) in c.Query<(string, string, string, string?)>("SELECT id, inventory, last_seen, offline_since FROM units"))
        {
            var inv = JsonSerializer.Deserialize<UnitInventory>(inventory, Json);
            if (inv is null) continue;
            // After a station restart every unit is offline until its agent announces itself again.
            _units[id] = new Entry(inv, null, StoreTime.Parse(lastSeen), offlineSince is null ? StoreTime.Parse(lastSeen) : StoreTime.Parse(offlineSince));
        }
        foreach (var group in c.Query<(string Unit, string Tag)>("SELECT unit, tag FROM unit_tags ORDER BY unit, tag").GroupBy(t => t.Unit))
            _tags[group.Key] = [.. group.Select(t => t.Tag)];
        foreach (var id in _units.Keys) _views[id] = ToView(_units[id], _tags.GetValueOrDefault(id));
    }

    public void Online(string connectionId, UnitInventory inventory, DateTimeOffset now) => OnlineAsync(connectionId, inventory, now).GetAwaiter().GetResult();

    /// <summary>The unit is online through this connection at once; the task completes when that is in the store.</summary>
    public async Task OnlineAsync(string connectionId, UnitInventory inventory, DateTimeOffset now)
    {
        // A unit connected here hangs from this station, whatever it says: only a mid station places units below it.
        if (inventory.Parent is not null) inventory = inventory with { Parent = null };
        lock (_gate)
        {
            bool known = _units.TryGetValue(inventory.Id, out var before);
            if (known && before!.ConnectionId is { } old) _unitOfConnection.Remove(old);
            else _online++;
            _units[inventory.Id] = new Entry(inventory, connectionId, now, null);
            _unitOfConnection[connectionId] = inventory.Id;
            Changed(inventory.Id, reorder: !known || before!.Inventory.Name != inventory.Name);
        }
        string inv = JsonSerializer.Serialize(inventory, Json);
        await _db.Group.WriteAsync((c, tx) => c.Execute("""
            INSERT INTO units(id, inventory, first_seen, last_seen, offline_since) VALUES (@id, @inv, @now, @now, NULL)
            ON CONFLICT(id) DO UPDATE SET inventory=@inv, last_seen=@now, offline_since=NULL
            """, new { id = inventory.Id, inv, now = StoreTime.Format(now) }, tx)).ConfigureAwait(false);
        Publish(View(inventory.Id)!);
    }

    /// <summary>Marks the unit of this connection offline; returns its id, or null if the connection was superseded.</summary>
    public string? Offline(string connectionId, DateTimeOffset now) => OfflineAsync(connectionId, now).GetAwaiter().GetResult();

    /// <summary>As <see cref="Offline"/>, without blocking a thread while the store write waits for its commit.</summary>
    public async Task<string?> OfflineAsync(string connectionId, DateTimeOffset now)
    {
        string? id;
        List<string> below;
        lock (_gate)
        {
            if (!_unitOfConnection.Remove(connectionId, out id)) return null;
            _units[id] = _units[id] with { ConnectionId = null, OfflineSince = now, LastSeen = now };
            _online--;
            Changed(id, reorder: false);
            below = _units[id].Inventory.Kind == UnitKind.Station ? SubtreeUnreachableLocked(id, now) : [];
        }
        await _db.Group.WriteAsync((c, tx) => c.Execute("UPDATE units SET last_seen=@now, offline_since=@now WHERE id=@id", new { id, now = StoreTime.Format(now) }, tx)).ConfigureAwait(false);
        Publish(View(id)!);
        foreach (var unit in below) if (View(unit) is { } view) Publish(view);
        return id;
    }

    /// <summary>The unit's block devices as its agent read them last (after a storage task), kept with its inventory.</summary>
    public void UpdateDisks(string unitId, IReadOnlyList<DiskInfo> disks)
    {
        UnitInventory inventory;
        lock (_gate)
        {
            if (!_units.TryGetValue(unitId, out var e)) return;
            inventory = e.Inventory with { Disks = disks };
            _units[unitId] = e with { Inventory = inventory };
            Changed(unitId, reorder: false);
        }
        using (var c = _db.Open())
        using (_db.Writing())
            c.Execute("UPDATE units SET inventory=@inv WHERE id=@id", new { id = unitId, inv = JsonSerializer.Serialize(inventory, Json) });
        Publish(View(unitId)!);
    }

    /// <summary>Replaces the unit's tags (sorted, distinct); false when the unit is not known.</summary>
    public bool SetTags(string unitId, IReadOnlyList<string> tags)
    {
        string[] sorted = [.. tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        lock (_gate)
        {
            if (!_units.ContainsKey(unitId)) return false;
        }
        using (var c = _db.Open())
        using (_db.Writing())
        using (var tx = c.BeginTransaction())
        {
            c.Execute("DELETE FROM unit_tags WHERE unit=@unitId", new { unitId }, tx);
            foreach (var tag in sorted) c.Execute("INSERT INTO unit_tags(unit, tag) VALUES (@unitId, @tag)", new { unitId, tag }, tx);
            tx.Commit();
        }
        lock (_gate)
        {
            if (sorted.Length == 0) _tags.Remove(unitId);
            else _tags[unitId] = sorted;
            if (_units.ContainsKey(unitId)) Changed(unitId, reorder: false);
        }
        Publish(View(unitId)!);
        return true;
    }

    public string? ConnectionOf(string unitId)
    {
        lock (_gate) return _units.TryGetValue(unitId, out var e) ? e.ConnectionId : null;
    }

    /// <summary>What the unit last announced, e.g. its data-plane address.</summary>
    public UnitInventory? InventoryOf(string unitId)
    {
        lock (_gate) return _units.TryGetValue(unitId, out var e) ? e.Inventory : null;
    }

    public UnitView? View(string unitId)
    {
        lock (_gate) return _views.GetValueOrDefault(unitId);
    }

    /// <summary>How many units have a connected agent now.</summary>
    public int OnlineCount
    {
        get { lock (_gate) return _online; }
    }

    public IReadOnlyList<UnitView> All() => Snapshot().ById;

    /// <summary>
    /// Every unit's view, in id order (the station's own unit first) and in name order (case-insensitive, then id), as of
    /// the last change. Built once per change however many readers come between two changes; the arrays are never changed.
    /// </summary>
    public UnitSnapshot Snapshot()
    {
        lock (_gate)
        {
            if (_snapshot is { } s) return s;
            if (_order is not { } order)
            {
                var byIdOrder = _views.Values.ToArray();
                Array.Sort(byIdOrder, (a, b) => string.CompareOrdinal(a.Id == "station" ? "" : a.Id, b.Id == "station" ? "" : b.Id));
                var byNameOrder = (UnitView[])byIdOrder.Clone();
                Array.Sort(byNameOrder, ByName);
                order = (_order = ([.. byIdOrder.Select(u => u.Id)], [.. byNameOrder.Select(u => u.Id)])).Value;
            }
            return _snapshot = new UnitSnapshot([.. order.ById.Select(id => _views[id])], [.. order.ByName.Select(id => _views[id])]);
        }
    }

    /// <summary>Under the gate: the unit's view is built again; the orders are sorted again on the next read only when <paramref name="reorder"/>.</summary>
    private void Changed(string id, bool reorder)
    {
        _views[id] = ToView(_units[id], _tags.GetValueOrDefault(id));
        _snapshot = null;
        if (reorder) _order = null;
    }

    /// <summary>Name order: case-insensitive, then by id so equal names keep one order.</summary>
    public static int ByName(UnitView a, UnitView b)
    {
        int c = string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }

    private static UnitView ToView(Entry e, string[]? tags)
    {
        var i = e.Inventory;
        var addresses = i.Interfaces.Where(n => n.Name != "lo").SelectMany(n => n.Addresses).ToList();
        // A unit below a mid station has its status there while the link is up, and is unreachable otherwise.
        string status = e.ConnectionId is not null ? UnitStatuses.Online : i.Parent is null ? UnitStatuses.Offline : e.RelayedStatus ?? UnitStatuses.Unreachable;
        return new UnitView(i.Id, i.Name, status, i.Parent, i.Os, i.Kernel, i.Hostname,
            i.CpuCount, i.MemoryBytes, addresses, i.Disks, i.Roots, e.LastSeen, e.OfflineSince, i.Services ?? [], i.Policy, tags ?? e.RelayedTags ?? [], i.Capabilities, UnitKinds.Name(i.Kind));
    }
}
