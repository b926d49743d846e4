using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.mkfs {device, fstype: ext4|xfs|btrfs, label?, force?}</c> → <c>{device, fstype, label, uuid}</c>.</summary>
public sealed class StorageMkfsExecutor(DeviceGuard guard, LoopMapper mapper) : KindExecutor<StorageMkfsParameters, StorageMkfsResult>(StorageMkfs.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageMkfsResult> RunAsync(StorageMkfsParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        var (device, fstype, label, forced) = parameters;
        bool force = forced == true;

        context.EnterStage(1, 2, $"checking {device}");
        string real = await guard.CheckAsync(device, DeviceChecks.Destructive, force, cancellationToken).ConfigureAwait(false);
        context.EnterStage(2, 2, $"making {fstype} on {real}");
        // A file system over the whole disk makes its old partitions meaningless.
        if (force) await mapper.UnmapAsync(real, context, cancellationToken).ConfigureAwait(false);
        await MakeAsync(real, fstype, label, context, cancellationToken).ConfigureAwait(false);
        var probe = await Blkid.ProbeAsync(real, cancellationToken).ConfigureAwait(false);
        context.Report(1, $"{fstype} made on {real}");
        string name = await guard.NameAsync(real, cancellationToken).ConfigureAwait(false);
        return new StorageMkfsResult(name, name == real ? null : real, fstype, label, probe.GetValueOrDefault("UUID"));
    }

    /// <summary>The caller has already checked the device; the tools' own "existing file system" prompts are answered with force.</summary>
    internal static Task<string> MakeAsync(string device, string fstype, string? label, TaskContext? context, CancellationToken ct)
    {
        var args = new List<string>();
        args.AddRange(fstype switch
        {
            "ext4" => ["-F", "-q"],
            _ => ["-f"],
        });
        if (!string.IsNullOrEmpty(label)) args.AddRange(["-L", label]);
        args.Add(device);
        return Tool.RunAsync(context, "mkfs." + fstype, args, ct);
    }
}
