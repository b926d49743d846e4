using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Units;

/// <summary>What applying a mid station's subtree update did: units taken, and those refused with the reason.</summary>
public sealed record SubtreeApplied(int Upserted, int Removed, IReadOnlyList<string> Refused);

// Units below a mid station (README, "Layered stations"): listed with their parent, reached through the station unit at
// the top of their branch here (their route), never connected themselves.
public sealed partial class UnitRegistry
{
    /// <summary>How many layers of stations a unit's parents may go up (a longer or looping chain has no route).</summary>
    public const int MaxDepth = 16;

    /// <summary>
    /// The unit directly connected here through which <paramref name="unitId"/> is reached: itself when it has no parent,
    /// else the station unit at the top of its branch. Null when the unit is not known or its parents loop.
    /// </summary>
    public string? RouteOf(string unitId)
    {
        lock (_gate) return RouteLocked(unitId);
    }

    /// <summary>The hub connection that reaches <paramref name="unitId"/>: its own, or its route's.</summary>
    public string? RouteConnectionOf(string unitId)
    {
        lock (_gate) return RouteLocked(unitId) is { } route && _units.TryGetValue(route, out var e) ? e.ConnectionId : null;
    }

    private string? RouteLocked(string unitId)
    {
        string current = unitId;
        for (int hop = 0; hop <= MaxDepth; hop++)
        {
            if (!_units.TryGetValue(current, out var e)) return null;
            if (e.Inventory.Parent is not { } parent) return current;
            current = parent;
        }
        return null;
    }

    /// <summary>
    /// Applies what the mid station <paramref name="via"/> (a connected unit of kind station) says of the units below it:
    /// each is listed (or updated) with its parent, status and tags there; a full update also drops the units of its
    /// branch it no longer lists. A unit whose id is already a unit of this station or of another branch is refused
    /// (ids are unique in each station), as is one with an invalid id or status. Null when <paramref name="via"/> may not
    /// announce units, with the reason in <paramref name="problem"/>.
    /// </summary>
    public async Task<SubtreeApplied?> ApplySubtreeAsync(string via, SubtreeUpdate update, DateTimeOffset now, Action<string>? problem = null)
    {
        ArgumentNullException.ThrowIfNull(update);
        var refused = new List<string>();
        var upserted = new List<UnitInventory>();
        var removed = new List<string>();
        lock (_gate)
        {
            if (!_units.TryGetValue(via, out var mid) || mid.ConnectionId is null || mid.Inventory.Kind != UnitKind.Station || mid.Inventory.Parent is not null)
            {
                problem?.Invoke($"unit '{via}' is not a station connected here, so it cannot announce units below it");
                return null;
            }
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var u in update.Units)
            {
                string id = u.Inventory.Id;
                string? why = UnitSecrets.NameProblem(id)
                    ?? (id == via || id == UnitDirectory.StationUnit ? $"'{id}' names the station itself" : null)
                    ?? (!SubtreeUpdate.IsStatus(u.Status) ? $"unit '{id}': status must be online, offline or unreachable" : null)
                    ?? (UnitDirectory.TagsProblem(u.Tags) is { } tags ? $"unit '{id}': {tags}" : null)
                    ?? (_units.ContainsKey(id) && RouteLocked(id) != via ? $"unit '{id}' is already a unit of this station outside '{via}'" : null)
                    ?? (!listed.Add(id) ? $"unit '{id}' is listed twice" : null);
                if (why is not null) { refused.Add(why); continue; }
                bool known = _units.TryGetValue(id, out var before);
                _units[id] = new Entry(u.Inventory, null, now, u.Status == UnitStatuses.Offline ? before?.OfflineSince ?? now : null, u.Status, u.Tags);
                if (!known || before!.Inventory.Name != u.Inventory.Name) _order = null;
            }
            // A unit whose parents do not lead to the mid station (none, another branch, a loop) hangs from it directly.
            foreach (var id in listed)
            {
                var e = _units[id];
                if (RouteLocked(id) != via) _units[id] = e with { Inventory = e.Inventory with { Parent = via } };
                upserted.Add(_units[id].Inventory);
                Changed(id, reorder: false);
            }
            var gone = update.Full
                ? _units.Keys.Where(id => id != via && !listed.Contains(id) && _units[id].Inventory.Parent is not null && RouteLocked(id) == via).ToList()
                : update.Removed.Where(id => id is not null && id != via && _units.TryGetValue(id, out var e) && e.Inventory.Parent is not null && RouteLocked(id) == via).ToList();
            foreach (var id in gone)
            {
                _units.Remove(id);
                _views.Remove(id);
                removed.Add(id);
            }
            if (removed.Count > 0) _order = null;
            _snapshot = null;
        }
        await _db.Group.WriteAsync((c, tx) =>
        {
            foreach (var inventory in upserted)
                c.Execute("""
                    INSERT INTO units(id, inventory, first_seen, last_seen, offline_since) VALUES (@id, @inv, @now, @now, NULL)
                    ON CONFLICT(id) DO UPDATE SET inventory=@inv, last_seen=@now
                    """, new { id = inventory.Id, inv = JsonSerializer.Serialize(inventory, Json), now = StoreTime.Format(now) }, tx);
            foreach (var id in removed) c.Execute("DELETE FROM units WHERE id=@id", new { id }, tx);
        }).ConfigureAwait(false);
        foreach (var inventory in upserted) if (View(inventory.Id) is { } view) Publish(view);
        // A unit that left is published once more as unreachable, so lists showing it read again.
        foreach (var id in removed) Publish(new UnitView(id, id, UnitStatuses.Unreachable, via, "", "", "", 0, 0, [], [], [], now, now, [], null, [], null));
        if (refused.Count > 0 && _logger is not null) SubtreeLog.Refused(_logger, via, refused.Count, string.Join("; ", refused.Take(5)));
        return new SubtreeApplied(upserted.Count, removed.Count, refused);
    }

    /// <summary>Under the gate, when a station unit's link drops: every unit below it becomes unreachable. Answers their ids.</summary>
    private List<string> SubtreeUnreachableLocked(string station, DateTimeOffset now)
    {
        var below = new List<string>();
        foreach (var (id, e) in _units)
        {
            if (e.Inventory.Parent is null || e.RelayedStatus is null || RouteLocked(id) != station) continue;
            below.Add(id);
        }
        foreach (var id in below)
        {
            _units[id] = _units[id] with { RelayedStatus = null, OfflineSince = _units[id].OfflineSince ?? now };
            Changed(id, reorder: false);
        }
        return below;
    }
}

internal static partial class SubtreeLog
{
    [Microsoft.Extensions.Logging.LoggerMessage(1030, Microsoft.Extensions.Logging.LogLevel.Warning, "Station unit '{Via}' announced {Count} unit(s) below it that were refused (the first: {Reasons})")]
    public static partial void Refused(Microsoft.Extensions.Logging.ILogger logger, string via, int count, string reasons);
}
