using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// The uplink agent's views of units below this station (README, "Layered stations"): asked of this station's own read,
/// storage and monitoring services as the upper user (<see cref="ViewRelay"/>), whose rights here decide.
/// </summary>
public sealed class UplinkViews(ViewRelay views) : IViewRelay
{
    public Task<ViewReadAnswer> ReadAsync(TaskOrder order, TaskTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(ticket);
        return views.ReadAsync(order.Kind, ticket.Target, order.ParametersJson, ticket.User, cancellationToken);
    }

    public Task<ViewReadAnswer> StorageAsync(string unitId, string user, CancellationToken cancellationToken) => views.StorageAsync(unitId, user, cancellationToken);

    public Task<ViewReadAnswer> ProcessesAsync(string unitId, string user) => views.ProcessesAsync(unitId, user);

    public Task<ViewReadAnswer> ThreadsAsync(string unitId, string user, int pid) => views.ThreadsAsync(unitId, user, pid);
}
