using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// One unit below a mid station as the mid station sees it (README, "Layered stations"): what its agent announced (its
/// <see cref="UnitInventory.Parent"/> the station directly above it), its status there (online or offline) and its tags.
/// </summary>
[MessagePackObject]
public sealed record SubtreeUnit(
    [property: Key(0)] UnitInventory Inventory,
    [property: Key(1)] string Status,
    [property: Key(2)] IReadOnlyList<string> Tags);

/// <summary>
/// What a mid station tells the station above it about the units below it: on every (re)connect the whole subtree
/// (<see cref="Full"/>: any unit not in it is gone), then only the units that changed and those that left.
/// </summary>
[MessagePackObject]
public sealed record SubtreeUpdate(
    [property: Key(0)] bool Full,
    [property: Key(1)] IReadOnlyList<SubtreeUnit> Units,
    [property: Key(2)] IReadOnlyList<string> Removed)
{
    /// <summary>The most units one update carries; a larger subtree goes up in several (the first one <see cref="Full"/>).</summary>
    public const int MaxUnits = 2_000;

    /// <summary>Statuses a unit below a mid station may have there (unreachable: below a station whose link is down).</summary>
    public static bool IsStatus(string status) => status is UnitStatuses.Online or UnitStatuses.Offline or UnitStatuses.Unreachable;
}

/// <summary>The words for a unit's status, as the API and the console show them.</summary>
public static class UnitStatuses
{
    public const string Online = "online";
    public const string Offline = "offline";

    /// <summary>A unit below a mid station whose link to this station is down: its state is not known here now.</summary>
    public const string Unreachable = "unreachable";
}
