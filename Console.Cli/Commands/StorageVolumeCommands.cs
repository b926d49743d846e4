using System.CommandLine;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Cli.Commands;

/// <summary><c>storage volumes list|create|resize|delete</c>: users' volumes (an image on a loop device) on one unit.</summary>
public static class StorageVolumeCommands
{
    public static Command Volumes() => new("volumes", "Users' volumes on a unit: images on loop devices mounted at MountRoot/volumes/OWNER/NAME.")
    {
        List(), Create(), Resize(), Delete(),
    };

    private static Option<string> Owner(IKindContract contract) =>
        new("--owner") { Description = StorageCommands.Describe(contract, "owner"), Required = true };

    private static Option<string> Name(IKindContract contract) =>
        new("--name", "-n") { Description = StorageCommands.Describe(contract, "name"), Required = true };

    private static Option<double> Size(IKindContract contract, string what) =>
        new("--size-mib") { Description = $"{what} in MiB, a whole number from {StorageParameters.SizeMiB.Min} to {StorageParameters.SizeMiB.Max}", Required = true };

    private static Command List()
    {
        var c = StorageVolumeList.Contract;
        var command = new Command("list", "List the unit's volumes with loop device, mount point and space (storage.volume.list; the result is in the task's 'result').");
        var run = StorageTask.On(command, destructive: false);
        var owner = new Option<string?>("--owner") { Description = StorageCommands.Describe(c, "owner") };
        command.Options.Add(owner);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
            run.RunAsync(inv, parse, c, new StorageVolumeListParameters(parse.GetValue(owner)), danger: null, token)));
        return command;
    }

    private static Command Create()
    {
        var c = StorageVolumeCreate.Contract;
        var command = new Command("create", "Create a volume for a user (storage.volume.create): an image file, a loop device, a file system, mounted.");
        var run = StorageTask.On(command, destructive: false);
        var owner = Owner(c);
        var name = Name(c);
        var size = Size(c, "the volume's size (xfs at least 300, btrfs at least 110)");
        var fstype = new Option<string>("--fstype", "-t") { Description = StorageCommands.Describe(c, "fstype"), DefaultValueFactory = _ => "ext4" };
        fstype.AcceptOnlyFromAmong([.. StorageParameters.FsTypes]);
        command.Options.Add(owner);
        command.Options.Add(name);
        command.Options.Add(size);
        command.Options.Add(fstype);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
            run.RunAsync(inv, parse, c, new StorageVolumeCreateParameters(parse.GetValue(size), parse.GetValue(fstype)!, parse.GetValue(owner)!, parse.GetValue(name)!),
                danger: null, token)));
        return command;
    }

    private static Command Resize()
    {
        var c = StorageVolumeResize.Contract;
        // The kind only grows a volume (the unit refuses a smaller size), so nothing is destroyed and nothing is asked.
        var command = new Command("resize", "Grow a mounted volume online (storage.volume.resize); a volume is never shrunk: a size not larger than now is refused.");
        var run = StorageTask.On(command, destructive: false);
        var owner = Owner(c);
        var name = Name(c);
        var size = Size(c, "the new size, larger than now,");
        command.Options.Add(owner);
        command.Options.Add(name);
        command.Options.Add(size);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
            run.RunAsync(inv, parse, c, new StorageVolumeResizeParameters(parse.GetValue(owner)!, parse.GetValue(name)!, parse.GetValue(size)), danger: null, token)));
        return command;
    }

    private static Command Delete()
    {
        var c = StorageVolumeDelete.Contract;
        var command = new Command("delete", "Delete a volume (storage.volume.delete): unmounts it and removes its image with all data on it. Asks to confirm; --yes when not on a terminal.");
        var run = StorageTask.On(command, destructive: true);
        var owner = Owner(c);
        var name = Name(c);
        command.Options.Add(owner);
        command.Options.Add(name);
        command.SetAction((parse, ct) => Invocation.RunAsync(parse, ct, (inv, token) =>
        {
            var p = new StorageVolumeDeleteParameters(parse.GetValue(owner)!, parse.GetValue(name)!);
            return run.RunAsync(inv, parse, c, p, u => $"Delete volume {p.Owner}/{p.Name} on {u} (erases all data on it)", token);
        }));
        return command;
    }
}
