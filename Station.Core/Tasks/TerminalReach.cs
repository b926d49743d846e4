using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// system.terminal's station check: a terminal's bytes run between this station and the unit's own hub connection, so a
/// terminal opens only on a unit connected here. A mid station, or a unit below one, is refused at once with where to
/// open it instead, rather than admitted as a session no keystroke would ever reach (the stations do not relay
/// terminal streams between layers).
/// </summary>
internal static class TerminalReach
{
    public static string? Refusal(string kind, UnitView? unit)
    {
        if (kind != TaskKinds.SystemTerminal || unit is null) return null;
        if (unit.Parent is { } parent)
            return $"a terminal opens only on a unit connected to this station; '{unit.Id}' is below the mid station '{parent}': " +
                $"open the terminal from {parent}'s own console";
        if (unit.IsStation)
            return $"a terminal opens only on a unit connected to this station; '{unit.Id}' is a mid station: open the terminal from its own console";
        return null;
    }
}
