using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.volume.resize {owner, name, sizeMiB}</c>: grows a mounted volume online (image, loop capacity,
/// then the file system). Shrinking is refused: xfs cannot shrink and the others risk data.
/// </summary>
public sealed class StorageVolumeResizeExecutor(VolumeStore store) : ITaskExecutor
{
    public string Kind => TaskKinds.StorageVolumeResize;
    public bool NeedsDedicatedThread => true;

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string owner = parameters.RequiredName("owner");
        string name = parameters.RequiredName("name");
        var volume = store.Require(owner, name);
        long sizeMiB = parameters.RequiredMiB("sizeMiB", 1);
        if (sizeMiB <= volume.SizeMiB)
            throw new TaskFailure($"volume {owner}/{name} is {volume.SizeMiB} MiB; resize only grows it, so give more than that");
        string loop = await store.LoopOfAsync(owner, name, cancellationToken).ConfigureAwait(false)
            ?? throw new TaskFailure($"volume {owner}/{name} is not attached to a loop device; it cannot be grown online");
        string mountpoint = store.MountPoint(owner, name);
        if (Mounts.At(mountpoint) is null) throw new TaskFailure($"volume {owner}/{name} is not mounted at {mountpoint}; it is grown while mounted");

        context.EnterStage(1, 2, $"growing the image to {sizeMiB} MiB");
        using (var f = new FileStream(store.Image(owner, name), FileMode.Open, FileAccess.Write)) f.SetLength(sizeMiB * 1024 * 1024);
        await Tool.RunAsync(context, "losetup", ["--set-capacity", loop], cancellationToken).ConfigureAwait(false);

        context.EnterStage(2, 2, $"growing {volume.FsType}");
        (string tool, string[] args) = volume.FsType switch
        {
            "xfs" => ("xfs_growfs", new[] { mountpoint }),
            "btrfs" => ("btrfs", new[] { "filesystem", "resize", "max", mountpoint }),
            _ => ("resize2fs", new[] { loop }),
        };
        await Tool.RunAsync(context, tool, args, cancellationToken).ConfigureAwait(false);
        store.Save(volume with { SizeMiB = sizeMiB });
        var drive = new DriveInfo(mountpoint);
        context.Report(1, $"volume {owner}/{name} is now {sizeMiB} MiB");
        return new { owner, name, sizeMiB, previousSizeMiB = volume.SizeMiB, fileSystemBytes = drive.TotalSize, availableBytes = drive.AvailableFreeSpace };
    }
}
