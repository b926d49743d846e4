using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The stations above a unit, as the circuit's user sees them (<see cref="UnitTree.StationsAbove"/>): the unit pages'
/// breadcrumb "mid-1 › mid-2 › u7" for a unit below mid stations (README, "Layered stations").
/// </summary>
public interface IConsoleUnitChain
{
    /// <summary>The unit and the stations above it, the top one first; 404 when the unit is unknown or not visible.</summary>
    Outcome<StationChain> StationsAbove(string unitId);
}

public sealed class ConsoleUnitChain(ConsoleUser user, UnitTree tree) : IConsoleUnitChain
{
    public Outcome<StationChain> StationsAbove(string unitId) => tree.StationsAbove(user.Caller, unitId);
}
