using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.volume.resize {owner, name, sizeMiB}</c>: grows a mounted volume online (image, loop capacity,
/// then the file system). Shrinking is refused: xfs cannot shrink and the others risk data.
/// </summary>
public sealed class StorageVolumeResizeExecutor(VolumeStore store) : KindExecutor<StorageVolumeResizeParameters, StorageVolumeResizeResult>(StorageVolumeResize.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageVolumeResizeResult> RunAsync(StorageVolumeResizeParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        var (owner, name, _) = parameters;
        var volume = store.Require(owner, name);
        long sizeMiB = (long)parameters.SizeMiB;
        if (sizeMiB <= volume.SizeMiB)
            throw TaskFailureException.Invalid($"volume {owner}/{name} is {volume.SizeMiB} MiB; resize only grows it, so give more than that");
        string loop = await store.LoopOfAsync(owner, name, cancellationToken).ConfigureAwait(false)
            ?? throw TaskFailureException.Conflict($"volume {owner}/{name} is not attached to a loop device; it cannot be grown online");
        string mountpoint = store.MountPoint(owner, name);
        if (Mounts.At(mountpoint) is null) throw TaskFailureException.Conflict($"volume {owner}/{name} is not mounted at {mountpoint}; it is grown while mounted");

        context.EnterStage(1, 2, $"growing the image to {sizeMiB} MiB");
        using (var f = new FileStream(store.Image(owner, name), FileMode.Open, FileAccess.Write)) f.SetLength(sizeMiB * 1024 * 1024);
        await Tool.RunAsync(context, "losetup", ["--set-capacity", loop], cancellationToken).ConfigureAwait(false);

        context.EnterStage(2, 2, $"growing {volume.FsType}");
        switch (volume.FsType)
        {
            case "xfs":
                await Tool.RunAsync(context, "xfs_growfs", [mountpoint], cancellationToken).ConfigureAwait(false);
                break;
            case "btrfs":
                await Tool.RunAsync(context, "btrfs", ["filesystem", "resize", "max", mountpoint], cancellationToken).ConfigureAwait(false);
                break;
            default:
                await GrowExt4Async(loop, mountpoint, context, cancellationToken).ConfigureAwait(false);
                break;
        }
        store.Save(volume with { SizeMiB = sizeMiB });
        var drive = new DriveInfo(mountpoint);
        context.Report(1, $"volume {owner}/{name} is now {sizeMiB} MiB");
        return new StorageVolumeResizeResult(owner, name, sizeMiB, volume.SizeMiB, drive.TotalSize, drive.AvailableFreeSpace);
    }

    /// <summary>
    /// Online ext4 growth needs CAP_SYS_RESOURCE, which containers and some VMs drop even for root; then the
    /// volume is grown offline instead (unmount, check, resize, mount again).
    /// </summary>
    private static async Task GrowExt4Async(string loop, string mountpoint, TaskContext context, CancellationToken ct)
    {
        var online = await ProcessRunner.RunAsync("resize2fs", [loop], ct, TimeSpan.FromMinutes(30)).ConfigureAwait(false);
        if (online.ExitCode == 0) return;
        foreach (var line in online.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries)) context.Log("resize2fs: " + line.Trim());
        if (!online.StdErr.Contains("Permission denied", StringComparison.Ordinal))
            throw new TaskFailureException($"resize2fs {loop} failed with exit code {online.ExitCode}: {online.StdErr.Trim()}");
        context.Log("online growth is not permitted here (no CAP_SYS_RESOURCE); growing offline");
        await Tool.RunAsync(context, "umount", [mountpoint], ct).ConfigureAwait(false);
        try
        {
            var check = await ProcessRunner.RunAsync("e2fsck", ["-f", "-p", loop], ct, TimeSpan.FromMinutes(30)).ConfigureAwait(false);
            // e2fsck: 0 clean, 1 errors corrected; anything else needs a person.
            if (check.ExitCode > 1) throw new TaskFailureException($"e2fsck {loop} found problems it could not fix (exit {check.ExitCode}): {check.StdErr.Trim()} {check.StdOut.Trim()}");
            await Tool.RunAsync(context, "resize2fs", [loop], ct).ConfigureAwait(false);
        }
        finally
        {
            await Tool.RunAsync(context, "mount", ["-t", "ext4", "-o", StorageVolumeCreateExecutor.VolumeMountOptions, loop, mountpoint], CancellationToken.None).ConfigureAwait(false);
        }
    }
}
