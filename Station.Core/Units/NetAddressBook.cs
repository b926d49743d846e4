using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// Where the fleet's addresses are: for each known unit, the interfaces of its latest net.inventory that succeeded (the
/// network as read on request, kept in the task store), else the interfaces its agent announced when it connected (kept
/// with the unit). Read for net.configure's duplicate-address warning: in the console as the addresses are typed, and
/// at the station when the change is submitted (a warning in the task's record, never a refusal).
/// </summary>
public sealed class NetAddressBook(StationDb db, UnitRegistry units)
{
    /// <summary>
    /// The fleet's addresses now, of the units <paramref name="include"/> keeps (all when null): one read of the store for
    /// the net.inventory results, the rest from memory.
    /// </summary>
    public FleetAddresses Read(Func<string, bool>? include = null)
    {
        var read = LatestInventories();
        var addresses = new List<FleetAddress>();
        foreach (var unit in units.All())
        {
            if (include is not null && !include(unit.Id)) continue;
            if (read.TryGetValue(unit.Id, out var inventory))
            {
                foreach (var i in inventory.Interfaces)
                    addresses.AddRange(i.Addresses.Select(a => new FleetAddress(unit.Id, unit.Name, i.Name, a.Address)));
            }
            else if (units.InventoryOf(unit.Id) is { } announced)
            {
                foreach (var i in announced.Interfaces)
                    addresses.AddRange(i.Addresses.Select(a => new FleetAddress(unit.Id, unit.Name, i.Name, a)));
            }
        }
        return new FleetAddresses(addresses);
    }

    /// <summary>Each unit's latest net.inventory that succeeded, by unit; a result that does not fit the contract is left out.</summary>
    private Dictionary<string, NetInventoryResult> LatestInventories()
    {
        using var c = db.Open();
        var rows = c.Query<(string Target, string? Result)>(
            "SELECT target, result FROM tasks WHERE id IN (SELECT MAX(id) FROM tasks WHERE kind=@kind AND state=@state GROUP BY target)",
            new { kind = TaskKinds.NetInventory, state = TaskStateNames.Succeeded });
        var byUnit = new Dictionary<string, NetInventoryResult>(StringComparer.Ordinal);
        foreach (var (target, result) in rows)
        {
            try
            {
                if (NetInventory.Contract.ReadResult(result) is { } inventory) byUnit[target] = inventory;
            }
            catch (KindContractException)
            {
                // A reading that does not fit the contract holds no address the station can trust; the card says why when it shows it.
            }
        }
        return byUnit;
    }
}
