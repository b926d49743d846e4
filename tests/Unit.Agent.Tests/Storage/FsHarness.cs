using System.Collections.Concurrent;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>The file executors behind the real <see cref="TaskRunner"/>, with one root and no devices: needs no root rights.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FsHarness
{
    private readonly TaskRunner _runner;
    private long _next;

    public FsHarness(string root)
    {
        var guard = new PathGuard([root]);
        _runner = new TaskRunner(
            [new FsStatExecutor(guard), new FsMkdirExecutor(guard), new FsWriteExecutor(guard), new FsRenameExecutor(guard), new FsCopyExecutor(guard),
             new FsDeleteExecutor(guard), new FsChmodExecutor(guard), new FsChownExecutor(guard), new FsListExecutor(guard)],
            NullLogger<TaskRunner>.Instance);
    }

    public async Task<StorageLab.Outcome> RunAsync(string kind, object parameters)
    {
        var reporter = new Reporter();
        _runner.Start(new TaskOrder(Interlocked.Increment(ref _next), kind, JsonSerializer.Serialize(parameters), "tester", DateTimeOffset.UtcNow, null), reporter);
        var result = await reporter.Result.Task.WaitAsync(TimeSpan.FromMinutes(1));
        return new StorageLab.Outcome(result, [], reporter.Stages.ToList());
    }

    public async Task<JsonElement> SucceedAsync(string kind, object parameters)
    {
        var o = await RunAsync(kind, parameters);
        Assert.True(o.Result.Outcome == TaskOutcome.Succeeded, $"{kind} failed: {o.Result.Error}");
        return JsonDocument.Parse(o.Result.ResultJson!).RootElement.Clone();
    }

    public async Task<string> FailAsync(string kind, object parameters)
    {
        var o = await RunAsync(kind, parameters);
        Assert.True(o.Result.Outcome == TaskOutcome.Failed, $"{kind} {JsonSerializer.Serialize(parameters)} should have been refused but ended {o.Result.Outcome}: {o.Result.ResultJson}");
        return o.Result.Error!;
    }

    private sealed class Reporter : IStationReporter
    {
        public TaskCompletionSource<TaskResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<int> Stages { get; } = new();
        public Task StartedAsync(TaskStarted started) => Task.CompletedTask;
        public Task ProgressAsync(TaskProgress progress) => Task.CompletedTask;
        public Task StageDoneAsync(TaskStageDone stageDone) { Stages.Enqueue(stageDone.Stage); return Task.CompletedTask; }
        public Task ResultAsync(TaskResult result) { Result.TrySetResult(result); return Task.CompletedTask; }
    }
}
