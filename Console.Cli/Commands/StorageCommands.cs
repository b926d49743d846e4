using System.CommandLine;
using System.Globalization;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary>
/// <c>storage disks|partition|mkfs|mount|unmount|raid|volumes</c> on one unit: the disks as the station last read them,
/// and the storage task kinds with one typed option per parameter of their contracts.
/// </summary>
public static class StorageCommands
{
    public static Command Storage() => new("storage", "A unit's disks, partitions, file systems, mounts, RAID arrays and volumes.")
    {
        StorageDisks.Disks(), Partition(), Mkfs(), Mount(), Unmount(), Raid(), StorageVolumeCommands.Volumes(),
    };

    /// <summary>The contract's own words for a parameter, with the values it allows: option help never drifts from the kind.</summary>
    public static string Describe(IKindContract contract, string parameter)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var spec = contract.Parameters.First(p => p.Name == parameter);
        return spec.Description + (spec.Allowed is { Count: > 0 } allowed ? $" ({string.Join(", ", allowed)})" : "") + (spec.Required ? "" : "; optional");
    }

    private static Argument<string> Device(string description) => new("DEVICE") { Description = description };

    private static Option<bool> Force(IKindContract contract) => new("--force") { Description = Describe(contract, "force") };

    private static Command Partition()
    {
        var c = StoragePartition.Contract;
        var command = new Command("partition", "Write a new partition table on a device (storage.partition): erases all data on it. Asks to confirm; --yes when not on a terminal.");
        var run = StorageTask.On(command, destructive: true);
        var device = Device(Describe(c, "device") + ", e.g. /dev/sdb");
        var table = new Option<string>("--table") { Description = Describe(c, "table"), DefaultValueFactory = _ => "gpt" };
        table.AcceptOnlyFromAmong("gpt", "msdos");
        var parts = new Option<string[]>("--part")
        {
            Description = "one partition, in order (repeat): SIZE[:TYPE[:NAME]]; SIZE in MiB or 'rest' for the remaining space (last partition only), "
                + $"TYPE one of {string.Join(", ", StoragePartition.Types)} (default linux), NAME for gpt only; e.g. --part 512:efi:boot --part rest",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
            HelpName = "SIZE[:TYPE[:NAME]]",
        };
        var force = Force(c);
        command.Arguments.Add(device);
        command.Options.Add(table);
        command.Options.Add(parts);
        command.Options.Add(force);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            string dev = parse.GetValue(device)!;
            var requests = (parse.GetValue(parts) ?? []).Select(ParsePart).ToList();
            var p = new StoragePartitionParameters(dev, parse.GetValue(table)!, requests, StorageTask.Flag(parse, force));
            return run.RunAsync(inv, parse, c, p, u => $"Repartition {dev} on {u} (erases all data on it)", token);
        }));
        return command;
    }

    /// <summary>"512", "rest", "512:efi", "rest:linux:data" as a partition request; exit 2 for anything else.</summary>
    public static PartitionRequest ParsePart(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split(':', 3);
        PartitionSize size = fields[0].Trim() switch
        {
            "rest" => PartitionSize.Rest,
            var n when double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double mib) => PartitionSize.Of(mib),
            _ => throw new CliException(ExitCodes.Usage, $"--part '{text}': the size must be a number of MiB or 'rest', e.g. --part 512 or --part rest:linux"),
        };
        string? type = fields.Length > 1 && fields[1].Length > 0 ? fields[1].Trim() : null;
        string? name = fields.Length > 2 && fields[2].Length > 0 ? fields[2] : null;
        return new PartitionRequest(size, type, name);
    }

    private static Command Mkfs()
    {
        var c = StorageMkfs.Contract;
        var command = new Command("mkfs", "Make a file system on a device or partition (storage.mkfs): erases all data on it. Asks to confirm; --yes when not on a terminal.");
        var run = StorageTask.On(command, destructive: true);
        var device = Device(Describe(c, "device") + ", e.g. /dev/sdb1");
        var fstype = new Option<string>("--fstype", "-t") { Description = Describe(c, "fstype"), Required = true };
        fstype.AcceptOnlyFromAmong([.. StorageParameters.FsTypes]);
        var label = new Option<string?>("--label", "-L") { Description = Describe(c, "label") };
        var force = Force(c);
        command.Arguments.Add(device);
        command.Options.Add(fstype);
        command.Options.Add(label);
        command.Options.Add(force);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            string dev = parse.GetValue(device)!;
            var p = new StorageMkfsParameters(dev, parse.GetValue(fstype)!, parse.GetValue(label), StorageTask.Flag(parse, force));
            return run.RunAsync(inv, parse, c, p, u => $"Format {dev} on {u} as {p.Fstype} (erases all data on it)", token);
        }));
        return command;
    }

    private static Command Mount()
    {
        var c = StorageMount.Contract;
        var command = new Command("mount", "Mount a file system under the unit's mount root (storage.mount); --persist also writes it to fstab.");
        var run = StorageTask.On(command, destructive: false);
        var device = Device(Describe(c, "device") + ", e.g. /dev/sdb1");
        var mountpoint = new Argument<string>("MOUNTPOINT") { Description = Describe(c, "mountpoint") + ", e.g. /mnt/ccdsvm/data" };
        var options = new Option<string?>("--options", "-O") { Description = Describe(c, "options") + ", comma-separated as mount -o takes them, e.g. noatime,ro" };
        var persist = new Option<bool>("--persist") { Description = Describe(c, "persist") };
        command.Arguments.Add(device);
        command.Arguments.Add(mountpoint);
        command.Options.Add(options);
        command.Options.Add(persist);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            var p = new StorageMountParameters(parse.GetValue(device)!, parse.GetValue(mountpoint)!, parse.GetValue(options), StorageTask.Flag(parse, persist));
            return run.RunAsync(inv, parse, c, p, danger: null, token);
        }));
        return command;
    }

    private static Command Unmount()
    {
        var c = StorageUnmount.Contract;
        var command = new Command("unmount", "Unmount a file system under the unit's mount root (storage.unmount): whatever uses it loses it. Asks to confirm; --yes when not on a terminal.");
        var run = StorageTask.On(command, destructive: true);
        var mountpoint = new Argument<string>("MOUNTPOINT") { Description = Describe(c, "mountpoint") + ", e.g. /mnt/ccdsvm/data" };
        var persist = new Option<bool>("--persist") { Description = Describe(c, "persist") };
        command.Arguments.Add(mountpoint);
        command.Options.Add(persist);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            var p = new StorageUnmountParameters(parse.GetValue(mountpoint)!, StorageTask.Flag(parse, persist));
            return run.RunAsync(inv, parse, c, p, u => $"Unmount {p.Mountpoint} on {u}", token);
        }));
        return command;
    }

    private static Command Raid()
    {
        var c = StorageRaid.Contract;
        var command = new Command("raid", "Build a RAID array from member devices (storage.raid): an md array or a btrfs multi-device file system; erases all data on the members. "
            + "Asks to confirm; --yes when not on a terminal.");
        var run = StorageTask.On(command, destructive: true);
        var devices = new Argument<string[]>("DEVICE") { Description = Describe(c, "devices") + ", e.g. /dev/sdb /dev/sdc", Arity = new ArgumentArity(2, 64) };
        var level = new Option<string>("--level", "-l") { Description = Describe(c, "level"), Required = true };
        level.AcceptOnlyFromAmong("raid0", "raid1", "raid5", "raid10");
        var name = new Option<string>("--name", "-n") { Description = Describe(c, "name") + ": letters, digits, '-' and '_'", Required = true };
        var engine = new Option<string?>("--engine") { Description = Describe(c, "engine") };
        engine.AcceptOnlyFromAmong("md", "btrfs");
        var force = Force(c);
        command.Arguments.Add(devices);
        command.Options.Add(level);
        command.Options.Add(name);
        command.Options.Add(engine);
        command.Options.Add(force);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            var members = parse.GetValue(devices) ?? [];
            var p = new StorageRaidParameters(parse.GetValue(engine), parse.GetValue(level)!, members, parse.GetValue(name)!, StorageTask.Flag(parse, force));
            return run.RunAsync(inv, parse, c, p, u => $"Build {p.Level} array '{p.Name}' on {u} from {string.Join(", ", members)} (erases all data on them)", token);
        }));
        return command;
    }
}
