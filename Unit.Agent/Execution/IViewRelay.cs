using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// Present when this agent is a mid station's uplink (README, "Layered stations"), beside <see cref="IOrderRelay"/>: the
/// views the upper station asks of a unit below (a read-only kind once its ticket checks out, the storage, the process
/// and thread lists) are asked of the mid station's own services as the upper user, whose ACL there decides. Answers are
/// JSON or why not, never exceptions.
/// </summary>
public interface IViewRelay
{
    /// <summary>The read-only kind of <paramref name="order"/>, for the target and user its checked <paramref name="ticket"/> names.</summary>
    Task<ViewReadAnswer> ReadAsync(TaskOrder order, TaskTicket ticket, CancellationToken cancellationToken);

    Task<ViewReadAnswer> StorageAsync(string unitId, string user, CancellationToken cancellationToken);

    Task<ViewReadAnswer> ProcessesAsync(string unitId, string user);

    Task<ViewReadAnswer> ThreadsAsync(string unitId, string user, int pid);
}
