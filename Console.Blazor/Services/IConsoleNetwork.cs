using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The Network card's station services as the circuit's user: the fleet's addresses (for the duplicate-address warning
/// as a change is typed; units the user does not see are left out) and the changes staged per unit (<see cref="NetStaging"/>).
/// </summary>
public interface IConsoleNetwork
{
    /// <summary>The addresses of the units the user sees, read now (<see cref="NetAddressBook"/>).</summary>
    FleetAddresses ReadFleetAddresses();

    IReadOnlyList<StagedNetChange> Staged(string unit);

    Outcome<StagedNetChange> Stage(string unit, NetConfigureParameters parameters);

    Task<Outcome<TaskView>> ApplyStagedAsync(long id);

    Outcome<StagedNetChange> DiscardStaged(long id);

    /// <summary>Calls <paramref name="changed"/> (on the station's thread) whenever the unit's staged changes change, from any console or the API.</summary>
    IDisposable WatchStaged(string unit, Action changed);
}

public sealed class ConsoleNetwork(ConsoleUser user, NetAddressBook addresses, NetStaging staging, AccessControl access) : IConsoleNetwork
{
    public FleetAddresses ReadFleetAddresses()
    {
        var caller = user.Caller;
        return addresses.Read(unit => access.CanSeeUnit(caller, unit));
    }

    public IReadOnlyList<StagedNetChange> Staged(string unit) => staging.List(user.Caller, unit).Value ?? [];

    public Outcome<StagedNetChange> Stage(string unit, NetConfigureParameters parameters) =>
        staging.Stage(user.Caller, unit, NetConfigure.Contract.Write(parameters));

    public Task<Outcome<TaskView>> ApplyStagedAsync(long id) => staging.ApplyAsync(user.Caller, id);

    public Outcome<StagedNetChange> DiscardStaged(long id) => staging.Discard(user.Caller, id);

    public IDisposable WatchStaged(string unit, Action changed) => staging.Changes.Subscribe(u =>
    {
        if (u == unit) changed();
    });
}
