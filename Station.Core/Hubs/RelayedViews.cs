using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Views of a unit below a mid station (README, "Layered stations"): asked of the station unit on its route with the unit
/// and the user named, answered as JSON or as why not.
/// </summary>
internal static class RelayedViews
{
    /// <summary>The connection of the mid station through which <paramref name="unitId"/> is reached, or null for a unit connected here (or none).</summary>
    public static string? RelayConnectionOf(UnitRegistry units, string unitId) =>
        units.RouteOf(unitId) is { } route && route != unitId ? units.RouteConnectionOf(unitId) : null;

    /// <summary>The value the station below answered; its refusal or error as a <see cref="RelayedAnswerException"/>.</summary>
    public static T Value<T>(ViewReadAnswer answer, string unitId, string what)
    {
        if (answer.Error is { } error) throw new RelayedAnswerException(RelayedAnswerException.ErrorOf(answer.ErrorKind, error));
        T? value;
        try { value = answer.ResultJson is { } json ? JsonSerializer.Deserialize<T>(json, KindJson.ResultOptions) : default; }
        catch (JsonException ex) { throw new RelayedAnswerException($"unit '{unitId}' answered something that is not its {what}: {ex.Message}"); }
        return value ?? throw new RelayedAnswerException($"unit '{unitId}' answered no {what}");
    }
}
