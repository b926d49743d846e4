using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// The units as one caller sees them: a unit they may not view (Units.View on /units/{id}) is absent,
/// answered exactly like an unknown one, never greyed out.
/// </summary>
public sealed class UnitDirectory(UnitRegistry registry, AccessControl access)
{
    public IReadOnlyList<UnitView> All(Caller caller) => registry.All().Where(u => access.CanSeeUnit(caller, u.Id)).ToList();

    public Outcome<UnitView> View(Caller caller, string id) =>
        registry.View(id) is { } unit && access.CanSeeUnit(caller, id) ? unit : StationError.NotFound($"unit '{id}' is not known");

    /// <summary>404 for a unit the caller cannot see, 403 (audited) when they see it but may not watch it.</summary>
    public StationError? DemandMonitor(Caller caller, string id)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error;
        return access.Demand(caller, "units.monitor", ResourcePath.Unit(id), Privileges.UnitsMonitor);
    }

    /// <summary>404 for a unit the caller cannot see, 403 (audited) when the privilege is missing on the path.</summary>
    public StationError? Demand(Caller caller, string id, string path, string privilege, string action)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error;
        return access.Demand(caller, action, path, privilege);
    }

    public IDisposable Subscribe(Action<UnitView> handler) => registry.Subscribe(handler);
}
