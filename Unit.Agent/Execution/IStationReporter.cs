using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>Where the runner sends what it hears from executors; the hub connection in production.</summary>
public interface IStationReporter
{
    Task StartedAsync(TaskStarted started);
    Task ProgressAsync(TaskProgress progress);
    Task StageDoneAsync(TaskStageDone stageDone);
    Task ResultAsync(TaskResult result);
}
