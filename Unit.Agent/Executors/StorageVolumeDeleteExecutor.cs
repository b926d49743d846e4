using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.volume.delete {owner, name}</c>: unmounts, detaches, and removes the image and its mount point.</summary>
public sealed class StorageVolumeDeleteExecutor(VolumeStore store) : KindExecutor<StorageVolumeDeleteParameters, StorageVolumeDeleteResult>(StorageVolumeDelete.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageVolumeDeleteResult> RunAsync(StorageVolumeDeleteParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        var (owner, name) = parameters;
        store.Require(owner, name);
        string mountpoint = store.MountPoint(owner, name);

        context.EnterStage(1, 1, $"deleting volume {owner}/{name}");
        if (Mounts.At(mountpoint) is not null)
            await Tool.RunAsync(context, "umount", [mountpoint], cancellationToken).ConfigureAwait(false);
        string? loop = await store.LoopOfAsync(owner, name, cancellationToken).ConfigureAwait(false);
        if (loop is not null) await Tool.RunAsync(context, "losetup", ["--detach", loop], cancellationToken).ConfigureAwait(false);
        if (Directory.Exists(mountpoint) && !Directory.EnumerateFileSystemEntries(mountpoint).Any()) Directory.Delete(mountpoint);
        store.Remove(owner, name);
        context.Report(1, $"volume {owner}/{name} deleted");
        return new StorageVolumeDeleteResult(owner, name, loop, true);
    }
}
