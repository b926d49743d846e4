using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core.Monitoring;

/// <summary>What monitoring asks of a connected agent; the hub implements it, tests supply their own.</summary>
public interface IAgentMetricsLink
{
    /// <summary>Returns false when the unit is not connected.</summary>
    Task<bool> WatchAsync(string unitId, bool on);

    /// <summary>
    /// Null when the unit is not connected; throws <see cref="TimeoutException"/> when it does not answer in time. A unit
    /// below a mid station is asked through it for <paramref name="user"/>, whose rights there decide; its refusal is a
    /// <see cref="RelayedAnswerException"/>.
    /// </summary>
    Task<ProcessList?> ProcessesAsync(string unitId, string user, TimeSpan timeout);

    Task<ThreadList?> ThreadsAsync(string unitId, int pid, string user, TimeSpan timeout);
}
