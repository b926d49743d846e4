using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>What monitoring asks of a connected agent; the hub implements it, tests supply their own.</summary>
public interface IAgentMetricsLink
{
    /// <summary>Returns false when the unit is not connected.</summary>
    Task<bool> WatchAsync(string unitId, bool on);

    /// <summary>Null when the unit is not connected; throws <see cref="TimeoutException"/> when it does not answer in time.</summary>
    Task<ProcessList?> ProcessesAsync(string unitId, TimeSpan timeout);

    Task<ThreadList?> ThreadsAsync(string unitId, int pid, TimeSpan timeout);
}
