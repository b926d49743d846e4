using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>A service a unit publishes, and whether the caller may use it.</summary>
public sealed record UnitServiceView(string Unit, string Name, bool Granted);

/// <summary>Where the relay fetches a granted service request, with the grant the unit checks again.</summary>
public sealed record ServiceGrant(string Unit, string PathAndQuery, string Ticket);

/// <summary>
/// Services of a unit offered to clients: the unit publishes a named read-only directory, the
/// station grants its use per user or group (Services.Use on /units/{unit}/services/{name}), and every
/// request travels with a short-lived grant signed by the station that the unit verifies.
/// </summary>
public sealed class UnitServices(UnitDirectory units, AccessControl access, TransferTickets tickets, TimeProvider? time = null)
{
    private static readonly TimeSpan GrantLifetime = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public static string Path(string unit, string name) => $"/units/{unit}/services/{name}";

    public Outcome<IReadOnlyList<UnitServiceView>> List(Caller caller, string unit)
    {
        var view = units.View(caller, unit);
        if (!view.Ok) return view.Error!;
        return (view.Value!.Services ?? []).Select(n => new UnitServiceView(unit, n, access.Allows(caller, Path(unit, n), Privileges.ServicesUse))).ToList();
    }

    public Outcome<ServiceGrant> Authorize(Caller caller, string unit, string name, string? path)
    {
        var view = units.View(caller, unit);
        if (!view.Ok) return view.Error!;
        if (!(view.Value!.Services ?? []).Contains(name))
            return StationError.NotFound($"unit '{unit}' publishes no service '{name}'; it publishes: {string.Join(", ", view.Value.Services ?? [])}");
        if (access.Demand(caller, "service.use", Path(unit, name), Privileges.ServicesUse) is { } refusal) return refusal;
        string rel = string.IsNullOrEmpty(path) ? "/" : path;
        if (rel.Contains('\0') || rel.Split('/').Any(part => part == ".."))
            return StationError.BadRequest("'path' is relative to the service's directory and may not contain '..'");
        if (!view.Value.Online) return StationError.Conflict($"unit '{unit}' is offline; its services are unavailable");
        string ticket = tickets.Issue(new TransferTicket(0, unit, rel, DataPlaneRoutes.ServicePrefix + name, rel, -1, false, _time.GetUtcNow() + GrantLifetime));
        return new ServiceGrant(unit, $"{DataPlaneRoutes.Service}?name={Uri.EscapeDataString(name)}&path={Uri.EscapeDataString(rel)}", ticket);
    }
}
