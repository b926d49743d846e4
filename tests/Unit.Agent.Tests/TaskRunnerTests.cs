using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class TaskRunnerTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly TempDir _tmp = new();
    private readonly string _root;
    private readonly PathGuard _guard;
    private readonly TaskRunner _runner;

    public TaskRunnerTests()
    {
        _root = _tmp.CreateDirectory("files");
        _guard = new PathGuard([_root]);
        _runner = new TaskRunner(
            [new FsChecksumExecutor(_guard), new FsListExecutor(_guard), new StorageInventoryExecutor(new Ccdsvm.Unit.Agent.Inventory.StorageReader()), new MaintenanceHoldExecutor(), new ChattyExecutor()],
            NullLogger<TaskRunner>.Instance);
    }

    public void Dispose() => _tmp.Dispose();

    private static TaskOrder Order(long id, string kind, object parameters) =>
        new(id, kind, JsonSerializer.Serialize(parameters), "alice", DateTimeOffset.UtcNow, null);

    [Fact]
    public async Task FsChecksum_Of64MiBFile_EqualsSha256AndReportsStagesProgressAndThread()
    {
        var file = Path.Combine(_root, "big.bin");
        var data = new byte[64 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        await File.WriteAllBytesAsync(file, data).WaitAsync(Limit);
        string expected = Convert.ToHexStringLower(SHA256.HashData(data));
        var reporter = new RecordingReporter();

        var watch = Stopwatch.StartNew();
        _runner.Start(Order(1, TaskKinds.FsChecksum, new { path = file }), reporter);
        var result = await reporter.Result.WaitAsync(Limit);
        watch.Stop();

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        using var json = JsonDocument.Parse(result.ResultJson!);
        Assert.Equal(expected, json.RootElement.GetProperty("sha256").GetString());
        Assert.Equal(data.Length, json.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(file, json.RootElement.GetProperty("path").GetString());

        var started = await reporter.Started.WaitAsync(Limit);
        Assert.True(started.DedicatedThread);

        var messages = reporter.Messages.Select(m => m.Message).ToList();
        Assert.IsType<TaskStarted>(messages[0]);
        int stageDone = messages.FindIndex(m => m is TaskStageDone { TaskId: 1, Stage: 1 });
        Assert.True(stageDone > 0, "StageDone(1) was not reported");
        Assert.IsType<TaskResult>(messages[^1]);
        Assert.True(stageDone < messages.Count - 1);

        var progress = reporter.Progress;
        Assert.NotEmpty(progress);
        AssertNonDecreasing(progress);
        Assert.Equal(1.0, progress[^1].Fraction);
        Assert.Contains(progress.SelectMany(p => p.LogLines), l => l.Contains("sha256 " + expected, StringComparison.Ordinal));
        AssertCoalesced(progress.Count, watch.Elapsed);
        Assert.False(_runner.IsRunning(1));
    }

    [Fact]
    public async Task Progress_FromAnExecutorReportingNonStop_IsCoalescedToAboutTenASecond()
    {
        var reporter = new RecordingReporter();

        var watch = Stopwatch.StartNew();
        _runner.Start(Order(2, ChattyExecutor.KindName, new { milliseconds = 1200 }), reporter);
        var result = await reporter.Result.WaitAsync(Limit);
        watch.Stop();

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        var progress = reporter.Progress;
        using var json = JsonDocument.Parse(result.ResultJson!);
        long reports = json.RootElement.GetProperty("reports").GetInt64();
        Assert.True(reports > 1000, $"the executor reported only {reports} times");
        Assert.True(progress.Count >= 2, $"only {progress.Count} progress updates in {watch.Elapsed}");
        AssertCoalesced(progress.Count, watch.Elapsed);
        AssertNonDecreasing(progress);
        Assert.Equal(Enumerable.Range(1, progress.Count).Select(i => (long)i), progress.Select(p => p.Sequence));
    }

    [Fact]
    public async Task MaintenanceHold_Cancelled_EndsWithCancelledOutcome()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(3, TaskKinds.MaintenanceHold, new { resource = "disks/sdb", seconds = 600, reason = "cable" }), reporter);
        var started = await reporter.Started.WaitAsync(Limit);
        Assert.False(started.DedicatedThread);
        Assert.True(_runner.IsRunning(3));
        Assert.Equal(TaskKinds.MaintenanceHold, Assert.Single(_runner.Snapshot()).Kind);

        Assert.True(_runner.Cancel(3));
        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Cancelled, result.Outcome);
        Assert.Equal("cancelled", result.Error);
        Assert.Equal(TaskErrorKind.Cancelled, result.ErrorKind);
        Assert.Null(result.ResultJson);
        Assert.False(_runner.IsRunning(3));
        Assert.False(_runner.Cancel(3));
    }

    [Fact]
    public async Task MaintenanceHold_ShortHold_SucceedsWithResult()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(4, TaskKinds.MaintenanceHold, new { resource = "disks/sdb", seconds = 1 }), reporter);

        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        using var json = JsonDocument.Parse(result.ResultJson!);
        Assert.Equal("maintenance", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(1.0, reporter.Progress[^1].Fraction);
        Assert.Contains(reporter.Progress.SelectMany(p => p.LogLines), l => l.Contains("holding disks/sdb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_UnknownKind_FailsListingKinds()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(5, "disk.wipe", new { }), reporter);

        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Equal("this unit has no executor for 'disk.wipe'; it runs: fs.checksum, fs.list, maintenance.hold, storage.inventory, test.chatty", result.Error);
        Assert.Equal(TaskErrorKind.Invalid, result.ErrorKind);
        Assert.False(reporter.Started.IsCompleted);
    }

    [Fact]
    public async Task FsChecksum_PathOutsideRoots_FailsNamingRoots()
    {
        var outside = _tmp.CreateDirectory("elsewhere");
        var file = Path.Combine(outside, "f.bin");
        await File.WriteAllTextAsync(file, "x").WaitAsync(Limit);
        var reporter = new RecordingReporter();

        _runner.Start(Order(6, TaskKinds.FsChecksum, new { path = file }), reporter);
        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Equal($"path '{file}' is outside this unit's roots; allowed roots: {_root}", result.Error);
        Assert.DoesNotContain(reporter.Messages, m => m.Message is TaskStageDone);
    }

    [Fact]
    public async Task FsChecksum_MissingPathParameter_FailsNamingIt()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(7, TaskKinds.FsChecksum, new { file = "x" }), reporter);

        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        // The unit reads the order through the kind's contract: the same words as the station's refusal.
        Assert.StartsWith("unknown parameter 'file'; missing parameter 'path' (string: ", result.Error);
    }

    [Fact]
    public async Task Start_InvalidParametersJson_Fails()
    {
        var reporter = new RecordingReporter();
        _runner.Start(new TaskOrder(8, TaskKinds.FsList, "{not json", "alice", DateTimeOffset.UtcNow, null), reporter);

        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.StartsWith("parameters are not valid JSON: ", result.Error);
    }

    [Fact]
    public async Task FsList_DirectoryInsideRoot_ListsEntriesOnThePool()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "a.txt"), "hello").WaitAsync(Limit);
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        var reporter = new RecordingReporter();

        _runner.Start(Order(9, TaskKinds.FsList, new { path = _root }), reporter);
        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        Assert.False((await reporter.Started.WaitAsync(Limit)).DedicatedThread);
        using var json = JsonDocument.Parse(result.ResultJson!);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => (Type: e.GetProperty("type").GetString(), Size: e.GetProperty("size").GetInt64()));
        Assert.Equal(("file", 5L), entries["a.txt"]);
        Assert.Equal("directory", entries["sub"].Type);
    }

    [Fact]
    public async Task StorageInventory_OnThisMachine_ReportsBlockDevicesOnDedicatedThread()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(10, TaskKinds.StorageInventory, new { }), reporter);

        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Succeeded, result.Outcome);
        Assert.True((await reporter.Started.WaitAsync(Limit)).DedicatedThread);
        using var json = JsonDocument.Parse(result.ResultJson!);
        Assert.NotEmpty(json.RootElement.GetProperty("disks").EnumerateArray());
    }

    [Fact]
    public async Task Start_SameTaskTwice_RunsItOnce()
    {
        var first = new RecordingReporter();
        var second = new RecordingReporter();
        var order = Order(11, TaskKinds.MaintenanceHold, new { resource = "disks/sdb", seconds = 600 });

        _runner.Start(order, first);
        await first.Started.WaitAsync(Limit);
        _runner.Start(order, second);
        _runner.Cancel(11);
        await first.Result.WaitAsync(Limit);

        Assert.Empty(second.Messages);
    }

    [Fact]
    public async Task StopAll_WhileHolding_FailsTaskSayingTheAgentStopped()
    {
        var reporter = new RecordingReporter();
        _runner.Start(Order(12, TaskKinds.MaintenanceHold, new { resource = "disks/sdb", seconds = 600 }), reporter);
        await reporter.Started.WaitAsync(Limit);

        await _runner.StopAllAsync(Limit);
        var result = await reporter.Result.WaitAsync(Limit);

        Assert.Equal(TaskOutcome.Failed, result.Outcome);
        Assert.Equal("the unit agent was stopped while the task ran", result.Error);
    }

    private static void AssertNonDecreasing(IReadOnlyList<TaskProgress> progress)
    {
        for (int i = 1; i < progress.Count; i++)
            Assert.True(progress[i].Fraction >= progress[i - 1].Fraction,
                $"progress went back from {progress[i - 1].Fraction} to {progress[i].Fraction} at update {i}");
    }

    /// <summary>At most one update per <see cref="TaskRunner.ProgressInterval"/>, plus the final flush and a little slack.</summary>
    private static void AssertCoalesced(int updates, TimeSpan elapsed)
    {
        double allowed = elapsed / TaskRunner.ProgressInterval + 3;
        Assert.True(updates <= allowed, $"{updates} progress updates in {elapsed.TotalMilliseconds:0} ms; at most {allowed:0} allowed");
    }

    /// <summary>Reports progress in a tight loop, far more often than the runner may forward it.</summary>
    private sealed class ChattyExecutor : ITaskExecutor
    {
        public const string KindName = "test.chatty";
        public string Kind => KindName;
        public bool NeedsDedicatedThread => true;

        public Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
        {
            var total = TimeSpan.FromMilliseconds(parameters.GetProperty("milliseconds").GetDouble());
            var watch = Stopwatch.StartNew();
            long reports = 0;
            while (watch.Elapsed < total)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.Report(watch.Elapsed / total, "busy");
                reports++;
            }
            context.Report(1, "done");
            return Task.FromResult<object?>(new { reports });
        }
    }
}
