namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// Present when this agent is a mid station's uplink (README, "Layered stations"): the upper station watching a unit below
/// (<see cref="Shared.Contracts.IAgentClient.WatchMetricsOf"/>) has the mid station watch it in turn and send its
/// full-rate samples up.
/// </summary>
public interface IMetricsRelay
{
    Task WatchAsync(string unitId, bool on);
}
