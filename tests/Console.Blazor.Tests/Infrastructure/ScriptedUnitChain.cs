using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>The stations above units, as a test sets them; a unit not set is connected to this station directly.</summary>
public sealed class ScriptedUnitChain : IConsoleUnitChain
{
    private readonly Dictionary<string, IReadOnlyList<StationAbove>> _above = new(StringComparer.Ordinal);

    public void Set(string unitId, params StationAbove[] above) => _above[unitId] = above;

    public Outcome<StationChain> StationsAbove(string unitId) =>
        new StationChain(new StationAbove(unitId, unitId, true), _above.GetValueOrDefault(unitId) ?? [], false);
}
