using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary><c>storage.volume.list {owner?}</c> → each volume with its loop device, mount point and free space.</summary>
public sealed class StorageVolumeListExecutor(VolumeStore store) : ITaskExecutor
{
    public string Kind => TaskKinds.StorageVolumeList;
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string? owner = parameters.OptionalString("owner");
        var loops = await LoopDevices.ListAsync(cancellationToken).ConfigureAwait(false);
        var volumes = store.All(owner).Select(v =>
        {
            string mountpoint = store.MountPoint(v.Owner, v.Name);
            bool mounted = Mounts.At(mountpoint) is not null;
            var drive = mounted ? new DriveInfo(mountpoint) : null;
            return new
            {
                owner = v.Owner,
                name = v.Name,
                fstype = v.FsType,
                sizeMiB = v.SizeMiB,
                created = v.Created,
                device = loops.FirstOrDefault(l => l.BackFile == store.Image(v.Owner, v.Name))?.Name,
                mountpoint = mounted ? mountpoint : null,
                sizeBytes = drive?.TotalSize,
                availableBytes = drive?.AvailableFreeSpace,
            };
        }).ToList();
        context.Report(1, $"{volumes.Count} volumes");
        return new { volumes };
    }
}
