using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.volume.list {owner?}</c> → each volume with its loop device, mount point and free space.</summary>
public sealed class StorageVolumeListExecutor(VolumeStore store) : KindExecutor<StorageVolumeListParameters, StorageVolumeListResult>(StorageVolumeList.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageVolumeListResult> RunAsync(StorageVolumeListParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string? owner = parameters.Owner;
        var loops = await LoopDevices.ListAsync(cancellationToken).ConfigureAwait(false);
        var volumes = store.All(owner).Select(v =>
        {
            string mountpoint = store.MountPoint(v.Owner, v.Name);
            bool mounted = Mounts.At(mountpoint) is not null;
            var drive = mounted ? new DriveInfo(mountpoint) : null;
            return new VolumeListing(v.Owner, v.Name, v.FsType, v.SizeMiB, v.Created,
                loops.FirstOrDefault(l => l.BackFile == store.Image(v.Owner, v.Name))?.Name,
                mounted ? mountpoint : null, drive?.TotalSize, drive?.AvailableFreeSpace);
        }).ToList();
        context.Report(1, $"{volumes.Count} volumes");
        return new StorageVolumeListResult(volumes);
    }
}
