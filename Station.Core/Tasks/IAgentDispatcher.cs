using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Sends orders to connected agents; the hub context in production.</summary>
public interface IAgentDispatcher
{
    /// <summary>Returns false when the unit has no live connection.</summary>
    Task<bool> RunAsync(string unitId, TaskOrder order);

    Task CancelAsync(string unitId, long taskId);

    /// <summary>Tells the agent to keep what the task applied on probation (net.configure); false when the unit has no live connection.</summary>
    Task<bool> ConfirmAsync(string unitId, long taskId);
}
