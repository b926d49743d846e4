using System.Diagnostics;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>Stands for the hub connection: records what the runner reports, in order, with a timestamp.</summary>
public sealed class RecordingReporter : IStationReporter
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan At, object Message)> _messages = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource<TaskStarted> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TaskResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<TaskStarted> Started => _started.Task;
    public Task<TaskResult> Result => _result.Task;

    public IReadOnlyList<(TimeSpan At, object Message)> Messages { get { lock (_gate) return [.. _messages]; } }

    public IReadOnlyList<TaskProgress> Progress => Messages.Select(m => m.Message).OfType<TaskProgress>().ToList();

    public Task StartedAsync(TaskStarted started)
    {
        Record(started);
        _started.TrySetResult(started);
        return Task.CompletedTask;
    }

    public Task ProgressAsync(TaskProgress progress) { Record(progress); return Task.CompletedTask; }

    public Task StageDoneAsync(TaskStageDone stageDone) { Record(stageDone); return Task.CompletedTask; }

    public Task ResultAsync(TaskResult result)
    {
        Record(result);
        _result.TrySetResult(result);
        return Task.CompletedTask;
    }

    private void Record(object message)
    {
        lock (_gate) _messages.Add((_clock.Elapsed, message));
    }
}
