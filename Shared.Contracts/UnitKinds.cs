namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// What an enrolled unit is to its station: an ordinary unit, or a mid station (a station enrolled as a unit of the
/// station above it, see the README's "Layered stations"). Announced in <see cref="UnitInventory.Kind"/>; an agent that
/// predates it announces nothing there and is read as <see cref="Unit"/>.
/// </summary>
public enum UnitKind
{
    Unit = 0,
    Station = 1,
}

/// <summary>The names of <see cref="UnitKind"/> as the REST API and the console show them (<c>kind</c>, <c>?kind=</c>).</summary>
public static class UnitKinds
{
    public const string Unit = "unit";
    public const string Station = "station";

    public static readonly IReadOnlyList<string> All = [Unit, Station];

    public static string Name(UnitKind kind) => kind == UnitKind.Station ? Station : Unit;

    /// <summary>The kind named <paramref name="name"/> (exactly, lower case), or null for any other text.</summary>
    public static UnitKind? Parse(string? name) => name switch
    {
        Unit => UnitKind.Unit,
        Station => UnitKind.Station,
        _ => null,
    };
}
