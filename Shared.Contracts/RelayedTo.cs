using MessagePack;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// Where a task of the station above runs below it (README, "Layered stations"): the mid station it was relayed to and
/// the task's id there. Reported up by the mid station's uplink with the task's progress (<see cref="TaskProgress.RelayedTo"/>).
/// </summary>
[MessagePackObject]
public sealed record RelayedTo(
    [property: Key(0)] string Station,
    [property: Key(1)] long TaskId)
{
    /// <summary>"relayed to mid-1 as task 17".</summary>
    public override string ToString() => $"relayed to {Station} as task {TaskId.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
