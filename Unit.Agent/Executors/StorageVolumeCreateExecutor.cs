using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.volume.create {sizeMiB, fstype, owner, name}</c>: a sparse image in the volume store, attached to
/// a loop device, formatted and mounted at MountRoot/volumes/&lt;owner&gt;/&lt;name&gt;. A failure part-way undoes
/// what was done, so no half-made volume is left behind.
/// </summary>
public sealed class StorageVolumeCreateExecutor(VolumeStore store) : KindExecutor<StorageVolumeCreateParameters, StorageVolumeCreateResult>(StorageVolumeCreate.Contract)
{
    /// <summary>A user's volume never gives its owner set-user-ID programs or device files on this unit.</summary>
    public const string VolumeMountOptions = "nosuid,nodev";

    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageVolumeCreateResult> RunAsync(StorageVolumeCreateParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        var (_, fstype, owner, name) = parameters;
        long sizeMiB = (long)parameters.SizeMiB;
        if (store.Find(owner, name) is not null || File.Exists(store.Image(owner, name)))
            throw TaskFailureException.Conflict($"user '{owner}' already has a volume named '{name}' on this unit");
        string image = store.Image(owner, name);
        string mountpoint = store.MountPoint(owner, name);
        if (Mounts.At(mountpoint) is not null) throw TaskFailureException.Conflict($"{mountpoint} is already a mount point");

        string? loop = null;
        bool mounted = false;
        try
        {
            context.EnterStage(1, 4, $"creating a {sizeMiB} MiB image");
            Directory.CreateDirectory(Path.GetDirectoryName(image)!);
            using (var f = new FileStream(image, FileMode.CreateNew, FileAccess.Write)) f.SetLength(sizeMiB * 1024 * 1024);

            context.EnterStage(2, 4, "attaching a loop device");
            loop = (await Tool.RunAsync(context, "losetup", ["--find", "--show", image], cancellationToken).ConfigureAwait(false)).Trim();

            context.EnterStage(3, 4, $"making {fstype} on {loop}");
            await StorageMkfsExecutor.MakeAsync(loop, fstype, null, context, cancellationToken).ConfigureAwait(false);

            context.EnterStage(4, 4, $"mounting at {mountpoint}");
            Directory.CreateDirectory(mountpoint);
            await Tool.RunAsync(context, "mount", ["-t", fstype, "-o", VolumeMountOptions, loop, mountpoint], cancellationToken).ConfigureAwait(false);
            mounted = true;
            store.Save(new VolumeRecord(owner, name, fstype, sizeMiB, DateTimeOffset.UtcNow));
        }
        catch
        {
            await UndoAsync(context, image, loop, mounted ? mountpoint : null).ConfigureAwait(false);
            throw;
        }
        context.Report(1, $"volume {owner}/{name} mounted at {mountpoint}");
        return new StorageVolumeCreateResult(owner, name, fstype, sizeMiB, image, loop, mountpoint);
    }

    private static async Task UndoAsync(TaskContext context, string image, string? loop, string? mountpoint)
    {
        try
        {
            if (mountpoint is not null) await Tool.RunAsync(context, "umount", [mountpoint], CancellationToken.None).ConfigureAwait(false);
            if (loop is not null) await Tool.RunAsync(context, "losetup", ["--detach", loop], CancellationToken.None).ConfigureAwait(false);
            File.Delete(image);
            context.Log("the half-made volume was removed");
        }
        catch (Exception ex) when (ex is TaskFailureException or IOException)
        {
            context.Log($"could not remove the half-made volume ({image}): {ex.Message}");
        }
    }
}
