using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.unmount {mountpoint, persist?}</c>: unmounts under Agent:MountRoot; persist also drops the agent's fstab line.</summary>
public sealed class StorageUnmountExecutor(IOptions<AgentOptions> options) : KindExecutor<StorageUnmountParameters, StorageUnmountResult>(StorageUnmount.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageUnmountResult> RunAsync(StorageUnmountParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string mountpoint = MountRoot.Resolve(options.Value.MountRoot, parameters.Mountpoint);
        bool persist = parameters.Persist == true;
        var mount = Mounts.At(mountpoint) ?? throw TaskFailureException.NotFound($"nothing is mounted at {mountpoint}");

        context.EnterStage(1, 1, $"unmounting {mountpoint}");
        await Tool.RunAsync(context, "umount", [mountpoint], cancellationToken).ConfigureAwait(false);
        bool dropped = persist && Fstab.Remove(options.Value.FstabPath, mountpoint);
        context.Report(1, $"unmounted {mountpoint}");
        return new StorageUnmountResult(mountpoint, mount.Source, mount.FsType, dropped);
    }
}
