using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Security;

/// <summary>
/// The unit changes only the network interfaces its signed ticket names. The station's lock plan for net.configure
/// names every interface a change touches (<see cref="NetConfigure.Touched"/>: changed, created, deleted, and the
/// parents, links and ports it names), each as <see cref="ResourcePath.Interface"/>, exclusive; an order whose
/// parameters reach an interface the ticket does not name is refused before anything changes, so a mistake at the
/// station (or a planner that forgot a port) can never widen what an order reaches.
/// </summary>
public static class TicketInterfaces
{
    public static string? Refusal(TaskTicket ticket, string parametersJson, string unit)
    {
        if (ticket.Kind != TaskKinds.NetConfigure) return null;
        NetConfigureParameters parameters;
        // The station sends parameters it validated; anything else is refused here, in words, never thrown at the connection.
        try { parameters = NetConfigure.Contract.ReadOrder(parametersJson); }
        catch (KindContractException ex) { return UnitRefusal.Because($"the order's net.configure parameters do not hold ({Shorten(ex.Message)}); nothing was changed"); }
        var named = ticket.Resources.ToHashSet(StringComparer.Ordinal);
        var missing = NetConfigure.Touched(parameters).Where(name => !named.Contains(ResourcePath.Interface(unit, name))).ToList();
        return missing.Count switch
        {
            0 => null,
            1 => UnitRefusal.Because($"the order changes interface '{missing[0]}', which its ticket does not name ({ResourcePath.Interface(unit, missing[0])}); the station locks every interface a change touches, so nothing was changed"),
            _ => UnitRefusal.Because($"the order changes interfaces {string.Join(", ", missing.Select(m => $"'{m}'"))}, which its ticket does not name; the station locks every interface a change touches, so nothing was changed"),
        };
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
