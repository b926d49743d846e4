using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.mount {device, mountpoint, options?, persist?}</c>: mounts under Agent:MountRoot; fstab only with persist.</summary>
public sealed class StorageMountExecutor(DeviceGuard guard, IOptions<AgentOptions> options) : KindExecutor<StorageMountParameters, StorageMountResult>(StorageMount.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageMountResult> RunAsync(StorageMountParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string device = parameters.Device;
        string mountpoint = MountRoot.Resolve(options.Value.MountRoot, parameters.Mountpoint);
        string asked = parameters.Options ?? "defaults";
        bool persist = parameters.Persist == true;
        if (!MountOptionRules.IsPlain(asked))
            throw TaskFailureException.Invalid(MountOptionRules.NotPlain(asked));
        // The station checked this already; the unit checks again against its own policy, whatever the ticket says.
        if (MountOptionRules.Problem(asked, options.Value.AllowMountOptions, "Agent:AllowMountOptions") is { } refused)
            throw TaskFailureException.Refused($"refused by the unit: {refused}");
        string mountOptions = MountOptionRules.Harden(asked, options.Value.AllowMountOptions);

        context.EnterStage(1, 2, $"checking {device}");
        string real = await guard.CheckAsync(device, DeviceChecks.NotMounted, false, cancellationToken).ConfigureAwait(false);
        if (Mounts.At(mountpoint) is { } busy)
            throw TaskFailureException.Conflict($"{mountpoint} is already a mount point (of {busy.Source}); unmount it first or choose another");
        var probe = await Blkid.ProbeAsync(real, cancellationToken).ConfigureAwait(false);
        if (!probe.TryGetValue("TYPE", out var fstype) || probe.GetValueOrDefault("USAGE") != "filesystem")
            throw TaskFailureException.Conflict($"'{device}' holds no file system{(fstype is null ? "" : $" ({fstype})")}; make one first (storage.mkfs)");

        context.EnterStage(2, 2, $"mounting {real} at {mountpoint}");
        Directory.CreateDirectory(mountpoint);
        await Tool.RunAsync(context, "mount", ["-t", fstype, "-o", mountOptions, real, mountpoint], cancellationToken).ConfigureAwait(false);
        if (persist)
        {
            Fstab.Add(options.Value.FstabPath, probe["UUID"], mountpoint, fstype, mountOptions);
            context.Log($"added {mountpoint} to {options.Value.FstabPath}");
        }
        context.Report(1, $"mounted at {mountpoint}");
        string name = await guard.NameAsync(real, cancellationToken).ConfigureAwait(false);
        return new StorageMountResult(name, name == real ? null : real, mountpoint, fstype, mountOptions, persist);
    }
}
