using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// Present when this agent is a mid station's uplink (README, "Layered stations"): every order the upper station sends,
/// once its ticket checks out against the pinned key, runs by being relayed into the mid station's own task list, whose
/// ACL and locks decide, and whose own ticket the real unit checks. The agent's executors are not used then.
/// </summary>
public interface IOrderRelay
{
    /// <summary>Whether orders for <paramref name="target"/> can be relayed (the mid station itself or a unit it knows).</summary>
    bool Reaches(string target);

    /// <summary>Runs the order through the mid station; answers the result value, or throws <see cref="TaskFailureException"/>.</summary>
    Task<object?> RunAsync(TaskOrder order, TaskTicket ticket, TaskContext context, CancellationToken cancellationToken);
}

/// <summary>Present when this agent is a mid station's uplink: the units below it, sent up after every announce.</summary>
public interface ISubtreeSource
{
    /// <summary>The whole subtree now, in updates of at most <see cref="SubtreeUpdate.MaxUnits"/> units, the first one full.</summary>
    IReadOnlyList<SubtreeUpdate> Snapshot();
}
