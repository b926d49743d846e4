using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class TaskRunnerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ccdsvm-runner-").FullName;
    private readonly Recorder _recorder = new();
    private readonly TaskRunner _runner;

    public TaskRunnerTests()
    {
        var guard = new PathGuard([_root]);
        _runner = new TaskRunner([new FsChecksumExecutor(guard), new FsListExecutor(guard), new MaintenanceHoldExecutor()], NullLogger<TaskRunner>.Instance);
    }

    private static TaskOrder Order(long id, string kind, string json) => new(id, kind, json, "alice", DateTimeOffset.UtcNow, "");

    [Fact]
    public async Task Checksum_ReportsRisingCoalescedProgress_StageDoneBeforeResult_AndTheRightHash()
    {
        var path = Path.Combine(_root, "data.bin");
        var bytes = RandomNumberGenerator.GetBytes(64 << 20);
        await File.WriteAllBytesAsync(path, bytes);
        var started = DateTime.UtcNow;

        _runner.Start(Order(1, TaskKinds.FsChecksum, $"{{\"path\":\"{path}\"}}"), _recorder);
        var result = await _recorder.Result(1).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.ResultJson);
        var fractions = _recorder.Progress.Where(p => p.TaskId == 1).OrderBy(p => p.Sequence).Select(p => p.Fraction).ToList();
        Assert.Equal(fractions.Order(), fractions);
        // Coalesced: no more than one update per 100 ms, plus the final flush.
        Assert.True(fractions.Count <= elapsed.TotalMilliseconds / 100 + 2, $"{fractions.Count} updates in {elapsed.TotalMilliseconds:0} ms");
        Assert.True(_recorder.StartedDedicated[1]);
        Assert.Equal(1, _recorder.StageDone.Single(s => s.TaskId == 1).Stage);
        Assert.True(_recorder.StageDoneAt[1] <= _recorder.ResultAt[1]);
    }

    [Fact]
    public async Task CancelledHold_EndsCancelled()
    {
        _runner.Start(Order(2, TaskKinds.MaintenanceHold, "{\"resource\":\"disks/sdb\",\"seconds\":60}"), _recorder);
        await _recorder.Started(2).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(_runner.Cancel(2));
        var result = await _recorder.Result(2).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TaskOutcome.Cancelled, result.Outcome);
        Assert.False(_runner.IsRunning(2));
    }

    [Fact]
    public async Task UnknownKind_FailsNamingTheKindsThisUnitRuns()
    {
        _runner.Start(Order(3, "fs.shred", "{}"), _recorder);
        var result = await _recorder.Result(3).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains("fs.checksum", result.Error);
    }

    [Fact]
    public async Task PathOutsideRoots_FailsNamingTheRoots()
    {
        _runner.Start(Order(4, TaskKinds.FsList, "{\"path\":\"/etc\"}"), _recorder);
        var result = await _recorder.Result(4).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Contains(_root, result.Error);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class Recorder : IStationReporter
    {
        private readonly ConcurrentDictionary<long, TaskCompletionSource<TaskResult>> _results = new();
        private readonly ConcurrentDictionary<long, TaskCompletionSource> _started = new();
        public ConcurrentBag<TaskProgress> Progress { get; } = [];
        public ConcurrentBag<TaskStageDone> StageDone { get; } = [];
        public ConcurrentDictionary<long, bool> StartedDedicated { get; } = new();
        public ConcurrentDictionary<long, DateTime> StageDoneAt { get; } = new();
        public ConcurrentDictionary<long, DateTime> ResultAt { get; } = new();

        public Task<TaskResult> Result(long id) => _results.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        public Task Started(long id) => _started.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task StartedAsync(TaskStarted started)
        {
            StartedDedicated[started.TaskId] = started.DedicatedThread;
            _started.GetOrAdd(started.TaskId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return Task.CompletedTask;
        }

        public Task ProgressAsync(TaskProgress progress)
        {
            Progress.Add(progress);
            return Task.CompletedTask;
        }

        public Task StageDoneAsync(TaskStageDone stageDone)
        {
            StageDone.Add(stageDone);
            StageDoneAt[stageDone.TaskId] = DateTime.UtcNow;
            return Task.CompletedTask;
        }

        public Task ResultAsync(TaskResult result)
        {
            ResultAt[result.TaskId] = DateTime.UtcNow;
            _results.GetOrAdd(result.TaskId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(result);
            return Task.CompletedTask;
        }
    }
}
