using System.Text.Json;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>A task the station runs itself (administration: <c>auth.*</c>), with its locks held, through the same task list.</summary>
public sealed record StationTask(long Id, string Kind, Caller Owner, JsonElement Parameters)
{
    /// <summary>Reports live progress (fraction 0..1, stage text) like an agent's progress messages; null where nobody listens.</summary>
    public Action<double, string>? Progress { get; init; }
}

/// <summary>
/// The executor of one station-run task kind. Returns the result JSON, or a refusal whose message becomes
/// the task's error. Agents never see these kinds.
/// </summary>
public interface IStationExecutor
{
    string Kind { get; }

    Task<Outcome<string?>> RunAsync(StationTask task, CancellationToken cancellationToken);
}
