using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>
/// A throw-away storage world for one test: a temp directory with image files, loop devices made from
/// them, a mount root and an agent wired with the real executors and the real <see cref="TaskRunner"/>.
/// Disposal unmounts everything under the temp directory and detaches every loop device backed by its
/// images or by its loops (mapped partitions first), and nothing else.
/// </summary>
public sealed class StorageLab : IAsyncDisposable
{
    private readonly List<string> _loops = [];
    private readonly ServiceProvider _services;
    private long _nextTask;

    public StorageLab(Action<AgentOptions>? configure = null)
    {
        Needs.RootAndStorageTools("this storage test makes loop devices with losetup, then partitions, formats and mounts them");
        Dir = Path.Combine(Path.GetTempPath(), "ccdsvm-storage-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        Options = new AgentOptions
        {
            Name = "lab",
            Devices = ["/dev/loop*"],
            MountRoot = Path.Combine(Dir, "mnt"),
            DataDirectory = Path.Combine(Dir, "data"),
            Roots = [Path.Combine(Dir, "files"), Path.Combine(Dir, "mnt")],
            FstabPath = Path.Combine(Dir, "fstab"),
        };
        configure?.Invoke(Options);
        var services = new ServiceCollection();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddSingleton(_ => new PathGuard(Options.EffectiveRoots, [Options.VolumeMountRoot]));
        services.AddStorageExecutors();
        services.AddSingleton<ITaskExecutor, Executors.StoragePartitionExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageMkfsExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageMountExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageUnmountExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageRaidExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageVolumeCreateExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageVolumeResizeExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageVolumeDeleteExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.StorageVolumeListExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsStatExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsMkdirExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsWriteExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsRenameExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsCopyExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsDeleteExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsChmodExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsChownExecutor>();
        services.AddSingleton<ITaskExecutor, Executors.FsListExecutor>();
        services.AddSingleton<Inventory.StorageReader>();
        services.AddSingleton<ITaskExecutor, Executors.StorageInventoryExecutor>();
        services.AddSingleton<ILogger<TaskRunner>>(NullLogger<TaskRunner>.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<TaskRunner>();
        _services = services.BuildServiceProvider();
        Runner = _services.GetRequiredService<TaskRunner>();
    }

    public string Dir { get; }
    public AgentOptions Options { get; }
    public TaskRunner Runner { get; }
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A sparse image of <paramref name="sizeMiB"/> attached to a free loop device.</summary>
    public string CreateLoop(int sizeMiB)
    {
        string image = Path.Combine(Dir, $"disk{_loops.Count}.img");
        using (var f = File.Create(image)) f.SetLength((long)sizeMiB * 1024 * 1024);
        string loop = Run("losetup", "--find", "--show", image).Trim();
        _loops.Add(loop);
        return loop;
    }

    /// <summary>Runs a task through the real runner and returns its outcome.</summary>
    public async Task<Outcome> RunAsync(string kind, object parameters)
    {
        var reporter = new RecordingReporter();
        long id = Interlocked.Increment(ref _nextTask);
        Runner.Start(new TaskOrder(id, kind, JsonSerializer.Serialize(parameters), "tester", DateTimeOffset.UtcNow, null), reporter);
        var result = await reporter.Result.Task.WaitAsync(TimeSpan.FromMinutes(3));
        return new Outcome(result, reporter.Lines.ToList(), reporter.Stages.ToList());
    }

    public async Task<JsonElement> SucceedAsync(string kind, object parameters)
    {
        var o = await RunAsync(kind, parameters);
        Assert.True(o.Result.Outcome == TaskOutcome.Succeeded, $"{kind} failed: {o.Result.Error}\nlog:\n{string.Join('\n', o.Lines)}");
        return JsonDocument.Parse(o.Result.ResultJson!).RootElement.Clone();
    }

    public async Task<string> FailAsync(string kind, object parameters)
    {
        var o = await RunAsync(kind, parameters);
        Assert.True(o.Result.Outcome == TaskOutcome.Failed, $"{kind} should have been refused but ended {o.Result.Outcome}: {o.Result.ResultJson}");
        return o.Result.Error!;
    }

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr}");
        return stdout;
    }

    /// <summary>Runs a tool with <paramref name="input"/> on its standard input (an sfdisk script, say).</summary>
    public static string RunWithInput(string input, string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout;
    }

    public static (int ExitCode, string StdOut) Try(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout);
    }

    /// <summary>The file-system type blkid finds on the device, or null.</summary>
    public static string? FsType(string device)
    {
        var (code, output) = Try("blkid", "-p", "-o", "value", "-s", "TYPE", device);
        return code == 0 && output.Trim().Length > 0 ? output.Trim() : null;
    }

    public async ValueTask DisposeAsync()
    {
        var errors = new List<string>();
        foreach (var m in Mounts.Read().Select(m => m.MountPoint).Where(m => m.StartsWith(Dir + "/", StringComparison.Ordinal)).Reverse())
            Collect(errors, () => Run("umount", m));

        // Mapped partitions and anything else stacked on our loops go before the loops themselves.
        var ours = new HashSet<string>(_loops);
        var images = Directory.Exists(Dir) ? Directory.GetFiles(Dir, "*.img", SearchOption.AllDirectories).ToHashSet() : [];
        var all = await LoopDevices.ListAsync(CancellationToken.None);
        foreach (var l in all.Where(l => l.BackFile is not null && ours.Contains(l.BackFile)))
            Collect(errors, () => Run("losetup", "--detach", l.Name));
        foreach (var l in all.Where(l => l.BackFile is not null && images.Contains(l.BackFile) && !ours.Contains(l.Name)))
            Collect(errors, () => Run("losetup", "--detach", l.Name));
        // A test may have detached a loop itself (the kernel finishes that once its partition loops let go).
        var still = (await LoopDevices.ListAsync(CancellationToken.None)).Select(l => l.Name).ToHashSet();
        foreach (var loop in _loops.Where(still.Contains))
            Collect(errors, () => Run("losetup", "--detach", loop));

        await _services.DisposeAsync();
        Collect(errors, () => Directory.Delete(Dir, recursive: true));
        if (errors.Count > 0) throw new InvalidOperationException("cleanup: " + string.Join("; ", errors));
    }

    private static void Collect(List<string> errors, Action action)
    {
        try { action(); }
        catch (Exception ex) { errors.Add(ex.Message); }
    }

    public sealed record Outcome(TaskResult Result, IReadOnlyList<string> Lines, IReadOnlyList<int> Stages);

    private sealed class RecordingReporter : IStationReporter
    {
        public TaskCompletionSource<TaskResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<string> Lines { get; } = new();
        public ConcurrentQueue<int> Stages { get; } = new();

        public Task StartedAsync(TaskStarted started) => Task.CompletedTask;

        public Task ProgressAsync(TaskProgress progress)
        {
            foreach (var l in progress.LogLines) Lines.Enqueue(l);
            return Task.CompletedTask;
        }

        public Task StageDoneAsync(TaskStageDone stageDone)
        {
            Stages.Enqueue(stageDone.Stage);
            return Task.CompletedTask;
        }

        public Task ResultAsync(TaskResult result)
        {
            Result.TrySetResult(result);
            return Task.CompletedTask;
        }
    }
}
