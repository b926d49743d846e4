using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Storage;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>storage.raid {engine?, level, devices, name, force?}</c>: an md array with mdadm where the kernel has md,
/// otherwise (or with engine btrfs) a btrfs multi-device file system with data and metadata profiles.
/// </summary>
public sealed class StorageRaidExecutor(DeviceGuard guard) : KindExecutor<StorageRaidParameters, StorageRaidResult>(StorageRaid.Contract)
{
    public override bool NeedsDedicatedThread => true;

    protected override async Task<StorageRaidResult> RunAsync(StorageRaidParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string engine = parameters.Engine ?? (Arrays.MdAvailable ? "md" : "btrfs");
        if (engine == "md" && !Arrays.MdAvailable)
            throw new TaskFailureException("md RAID is not available on this unit (no /proc/mdstat: the kernel has no md driver); use engine \"btrfs\"");
        string level = parameters.Level;
        string name = parameters.Name;
        bool force = parameters.Force == true;
        var devices = parameters.Devices;

        context.EnterStage(1, 2, "checking members");
        var members = new List<string>();
        foreach (var d in devices)
            members.Add(await guard.CheckAsync(d, DeviceChecks.Destructive, force, cancellationToken).ConfigureAwait(false));
        if (members.Distinct().Count() != members.Count) throw TaskFailureException.Invalid("the same device is listed twice in 'devices'");

        context.EnterStage(2, 2, $"building {level} ({engine}) on {string.Join(", ", members)}");
        string? uuid;
        string node;
        if (engine == "btrfs")
        {
            // Metadata stays mirrored for raid0 and raid5, where losing metadata would lose everything.
            string metadata = level is "raid0" or "raid5" ? "raid1" : level;
            await Tool.RunAsync(context, "mkfs.btrfs", ["-f", "-d", level, "-m", metadata, "-L", name, .. members], cancellationToken).ConfigureAwait(false);
            uuid = (await Blkid.ProbeAsync(members[0], cancellationToken).ConfigureAwait(false)).GetValueOrDefault("UUID");
            node = members[0];
        }
        else
        {
            node = "/dev/md/" + name;
            await Tool.RunAsync(context, "mdadm", ["--create", node, "--run", "--metadata=1.2", $"--level={level}", $"--raid-devices={members.Count}", "--name", name, .. members], cancellationToken).ConfigureAwait(false);
            uuid = null;
        }
        context.Report(1, $"{level} array '{name}' built");
        return new StorageRaidResult(engine, level, name, uuid, node, members);
    }
}
