using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// net.configure's duplicate-address check at the station: each desired address another unit already carries (its
/// latest net.inventory, else what its agent announced) becomes a warning in the task's record. A warning, not a
/// refusal: the address may be moving from that unit, or the other unit's reading may be old. A unit the submitter may
/// not see is not named (the warning says only that another unit carries the address), as the console's form does.
/// </summary>
internal static class NetDuplicates
{
    public static IReadOnlyList<string>? Warnings(string kind, string target, JsonElement parameters, NetAddressBook? book, Func<string, bool> visible)
    {
        if (kind != TaskKinds.NetConfigure || book is null) return null;
        var p = NetConfigure.Contract.ReadValidated(parameters);
        var desired = p.Interfaces.Where(c => c.Delete != true).SelectMany(c => c.Addresses ?? []).ToList();
        if (desired.Count == 0) return null;
        var found = book.Read().Duplicates(target, desired);
        return found.Count == 0 ? null : [.. found.Select(d => $"duplicate address: {(visible(d.Holder.Unit) ? d.Text : d.TextWithoutUnit)}")];
    }
}
