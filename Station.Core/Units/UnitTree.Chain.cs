using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Units;

// The stations above a unit (README, "Layered stations"): the unit page's breadcrumb "mid-1 › mid-2 › u7".
public sealed partial class UnitTree
{
    /// <summary>
    /// The mid stations above <paramref name="unitId"/>, the top one first, the one directly above it last (empty for a
    /// unit connected here), walking <see cref="UnitView.Parent"/> in the registry at most <see cref="UnitRegistry.MaxDepth"/>
    /// layers up (a longer or looping chain is cut there and says so). A station the caller may not view is named by its
    /// id only, with <see cref="StationAbove.Visible"/> false (its id is already the unit's parent). A unit the caller does
    /// not see is answered like an unknown one (404).
    /// </summary>
    public Outcome<StationChain> StationsAbove(Caller caller, string unitId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string id = unitId?.Trim() ?? "";
        if (registry.View(id) is not { } unit || !access.CanSeeUnit(caller, id))
            return StationError.NotFound($"unit '{UnitDirectory.Echo(id)}' is not known");
        var above = new List<StationAbove>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        bool cut = false;
        for (string? parent = unit.Parent; parent is not null; )
        {
            if (above.Count >= UnitRegistry.MaxDepth || !seen.Add(parent))
            {
                cut = true;
                break;
            }
            var station = registry.View(parent);
            bool visible = station is not null && access.CanSeeUnit(caller, parent);
            above.Add(new StationAbove(parent, visible ? station!.Name : parent, visible));
            parent = station?.Parent;
        }
        above.Reverse();
        return new StationChain(new StationAbove(unit.Id, unit.Name, true), above, cut);
    }
}

/// <summary>A station above a unit: its id, its name (its id when the caller may not view it), whether the caller may open it.</summary>
public sealed record StationAbove(string Id, string Name, bool Visible);

/// <summary>
/// A unit and the stations above it, the top one first (<see cref="Above"/> is empty for a unit connected to this station
/// directly). <see cref="Cut"/> when the chain was longer than <see cref="UnitRegistry.MaxDepth"/> layers or looped.
/// </summary>
public sealed record StationChain(StationAbove Unit, IReadOnlyList<StationAbove> Above, bool Cut);
