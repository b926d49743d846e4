using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>One line of a task's result for people: a label, its value, and where to go to see it ("open in Files").</summary>
public sealed record ResultFact(string Label, string Value, string? Href = null, string? LinkText = null);

/// <summary>
/// What a finished task made or changed, in words: a headline ("ext4 file system on /dev/sdb"), facts with sizes in
/// both units and durations, and links to what was made (the folder in Files, the unit's Storage page).
/// </summary>
public sealed record ResultSummary(string Headline, IReadOnlyList<ResultFact> Facts);

/// <summary>
/// Reads every kind's result through its contract (<see cref="IKindContract"/>'s typed result) and says it for
/// people. Kinds with a table of their own (fs.list, storage.inventory, storage.partition, storage.volume.list) get
/// their headline here and their rows from the view. Null when the kind has no summary or the result does not fit.
/// </summary>
public static partial class TaskResults
{
    public static ResultSummary? Summarise(string kind, JsonElement result, string unit)
    {
        if (result.ValueKind != JsonValueKind.Object) return null;
        try
        {
            return kind switch
            {
                TaskKinds.StoragePartition => Partition(Fit(StoragePartition.Contract.ReadResult(result)), unit),
                TaskKinds.StorageMkfs => Mkfs(Fit(StorageMkfs.Contract.ReadResult(result)), unit),
                TaskKinds.StorageMount => Mount(Fit(StorageMount.Contract.ReadResult(result)), unit),
                TaskKinds.StorageUnmount => Unmount(Fit(StorageUnmount.Contract.ReadResult(result)), unit),
                TaskKinds.StorageRaid => Raid(Fit(StorageRaid.Contract.ReadResult(result)), unit),
                TaskKinds.StorageVolumeCreate => VolumeCreate(Fit(StorageVolumeCreate.Contract.ReadResult(result)), unit),
                TaskKinds.StorageVolumeResize => VolumeResize(Fit(StorageVolumeResize.Contract.ReadResult(result)), unit),
                TaskKinds.StorageVolumeDelete => VolumeDelete(Fit(StorageVolumeDelete.Contract.ReadResult(result)), unit),
                TaskKinds.StorageVolumeList => Fit(StorageVolumeList.Contract.ReadResult(result)) is { Volumes: not null } list
                    ? new ResultSummary(Count(list.Volumes.Count, "volume"), [StorageLink(unit)]) : null,
                TaskKinds.StorageInventory => Fit(StorageInventory.Contract.ReadResult(result)) is { Disks: not null } inventory
                    ? new ResultSummary(Count(inventory.Disks.Count, "disk"), [StorageLink(unit)]) : null,
                TaskKinds.NetInventory => Network(Fit(NetInventory.Contract.ReadResult(result))),
                TaskKinds.NetConfigure => NetworkChange(Fit(NetConfigure.Contract.ReadResult(result))),
                TaskKinds.DataMove => Move(Fit(DataMove.Contract.ReadResult(result)), unit),
                TaskKinds.FilesDownload => Transfer(Fit(FilesDownload.Contract.ReadResult(result)), unit, "Downloaded"),
                TaskKinds.FilesUpload => Transfer(Fit(FilesUpload.Contract.ReadResult(result)), unit, "Uploaded"),
                TaskKinds.MaintenanceHold => Hold(Fit(MaintenanceHold.Contract.ReadResult(result))),
                ProcessTaskKinds.Signal => Signal(Fit(ProcessSignal.Contract.ReadResult(result))),
                ProcessTaskKinds.Renice => Renice(Fit(ProcessRenice.Contract.ReadResult(result))),
                TaskKinds.SystemTerminal => Terminal(Fit(SystemTerminal.Contract.ReadResult(result))),
                TaskKinds.AuthUser => User(Fit(AuthUser.Contract.ReadResult(result))),
                TaskKinds.AuthGrant => Grant(Fit(AuthGrant.Contract.ReadResult(result))),
                TaskKinds.AuthEnrol => Enrol(Fit(AuthEnrol.Contract.ReadResult(result))),
                _ => Files(kind, result, unit),
            };
        }
        catch (KindContractException)
        {
            // A result that does not fit its contract (an older unit, a partial answer) is shown as JSON only.
            return null;
        }
    }

    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Required = new();

    /// <summary>
    /// The result when every member its record declares non-nullable is there, else null: JSON that lacks a field
    /// deserialises with nulls, and such a result is shown as the unit sent it rather than half in words.
    /// </summary>
    private static T? Fit<T>(T? result) where T : class
    {
        if (result is null) return null;
        var required = Required.GetOrAdd(typeof(T), static t =>
        {
            // NullabilityInfoContext is not thread-safe.
            lock (Nullability)
                return t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => !p.PropertyType.IsValueType && Nullability.Create(p).ReadState == NullabilityState.NotNull).ToArray();
        });
        return required.All(p => p.GetValue(result) is not null) ? result : null;
    }

    /// <summary>Files on <paramref name="unit"/> at <paramref name="folder"/>.</summary>
    public static string FilesHref(string unit, string folder) =>
        $"/units/{Uri.EscapeDataString(unit)}/files?path={Uri.EscapeDataString(folder)}";

    public static string StorageHref(string unit) => $"/units/{Uri.EscapeDataString(unit)}/storage";

    /// <summary>The folder that holds <paramref name="path"/> ("/srv/a/b.txt" → "/srv/a", "/srv" → "/").</summary>
    public static string Parent(string path)
    {
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        int slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    private static ResultFact StorageLink(string unit) => new("see", $"Storage of {unit}", StorageHref(unit), "the unit's disks as they are now");

    private static ResultFact FolderLink(string unit, string folder, string label = "folder") => new(label, folder, FilesHref(unit, folder), "Open in Files");

    private static ResultFact FileLink(string unit, string path) => new("in folder", Parent(path), FilesHref(unit, Parent(path)), "Open in Files");

    private static string Count(int n, string noun) =>
        n == 1 ? $"1 {noun}" : $"{n.ToString(CultureInfo.InvariantCulture)} {(noun.EndsWith('y') ? noun[..^1] + "ies" : noun + "s")}";

    private static string Size(long bytes) => Sizes.Both(bytes);

    private static string MiB(long mib) => Sizes.Both(mib * 1048576);

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static ResultSummary? Partition(StoragePartitionResult? r, string unit) => r is null ? null : new(
        $"New {r.Table ?? "partition"} table on {r.Device}: {Count(r.Partitions.Count, "partition")} of {Size(r.Partitions.Sum(p => p.Size))}",
        [new("device", r.Device), StorageLink(unit)]);

    private static ResultSummary? Mkfs(StorageMkfsResult? r, string unit)
    {
        if (r is null) return null;
        var facts = new List<ResultFact> { new("device", r.Device), new("file system", r.Fstype) };
        if (r.Label is { } label) facts.Add(new("label", label));
        if (r.Uuid is { } uuid) facts.Add(new("UUID", uuid));
        if (r.BackingNode is { } node) facts.Add(new("written through", node));
        facts.Add(StorageLink(unit));
        return new($"{r.Fstype} file system made on {r.Device}", facts);
    }

    private static ResultSummary? Mount(StorageMountResult? r, string unit) => r is null ? null : new(
        $"{r.Device} mounted at {r.Mountpoint}",
        [
            FolderLink(unit, r.Mountpoint, "mount point"), new("file system", r.Fstype), new("options", r.Options),
            new("mounted again after a restart", r.Persisted ? "yes (in /etc/fstab)" : "no"), StorageLink(unit),
        ]);

    private static ResultSummary? Unmount(StorageUnmountResult? r, string unit) => r is null ? null : new(
        $"{r.Mountpoint} unmounted ({r.Device}, {r.Fstype})",
        [new("removed from /etc/fstab", YesNo(r.RemovedFromFstab)), StorageLink(unit)]);

    private static ResultSummary? Raid(StorageRaidResult? r, string unit) => r is null ? null : new(
        $"{r.Level} array {r.Name} made from {Count(r.Members.Count, "device")}",
        [
            new("device", r.Device), new("engine", r.Engine), new("members", string.Join(", ", r.Members)),
            .. r.Uuid is { } uuid ? [new ResultFact("UUID", uuid)] : Array.Empty<ResultFact>(), StorageLink(unit),
        ]);

    private static ResultSummary? VolumeCreate(StorageVolumeCreateResult? r, string unit) => r is null ? null : new(
        $"Volume {r.Name} of {r.Owner}: {MiB(r.SizeMiB)} {r.Fstype}",
        [FolderLink(unit, r.Mountpoint, "mounted at"), new("image", r.Image), .. r.Device is { } d ? [new ResultFact("device", d)] : Array.Empty<ResultFact>(), StorageLink(unit)]);

    private static ResultSummary? VolumeResize(StorageVolumeResizeResult? r, string unit) => r is null ? null : new(
        $"Volume {r.Name} of {r.Owner} resized from {MiB(r.PreviousSizeMiB)} to {MiB(r.SizeMiB)}",
        [new("file system size", Size(r.FileSystemBytes)), new("available", Size(r.AvailableBytes)), StorageLink(unit)]);

    private static ResultSummary? VolumeDelete(StorageVolumeDeleteResult? r, string unit) => r is null ? null : new(
        r.Deleted ? $"Volume {r.Name} of {r.Owner} deleted" : $"Volume {r.Name} of {r.Owner} was already gone",
        [.. r.Detached is { } d ? [new ResultFact("detached", d)] : Array.Empty<ResultFact>(), StorageLink(unit)]);

    private static ResultSummary? Move(DataMoveResult? r, string unit)
    {
        if (r is null) return null;
        string destination = r.Destination.Split(':', 2) is [_, var path] ? path : r.Destination;
        var facts = new List<ResultFact>
        {
            new("from", r.Source), new("to", r.Destination),
            new("size", $"{Size(r.Bytes)} in {Count(r.Files, "file")}"),
            new("took", $"{Durations.Length(r.Seconds)} at {Rates.PerSecond(r.MibPerSecond * 1048576)}"),
            new("verified", r.Verified ? r.Sha256 is { } sum ? $"yes, SHA-256 {sum}" : "yes" : "no"),
            new("route", r.Route == TransferRoute.Relay ? "through the station" : "directly between the units"),
        };
        if (r.ResumedAtBytes > 0) facts.Add(new("resumed at", Size(r.ResumedAtBytes)));
        facts.Add(r.Type == "directory" ? FolderLink(unit, destination) : FileLink(unit, destination));
        return new($"{(r.Mode == DataMoveMode.Move ? "Moved" : "Copied")} {Size(r.Bytes)} to {r.Destination}", facts);
    }

    private static ResultSummary? Transfer(FilesTransferResult? r, string unit, string verb) => r is null ? null : new(
        $"{verb} {r.Path}: {Size(r.Bytes)}", [new("answer", $"HTTP {r.Status}"), FileLink(unit, r.Path)]);

    private static ResultSummary? Hold(MaintenanceHoldResult? r) => r is null ? null : new(
        $"Held {r.Resource} for {Durations.Length(r.Seconds)}", [new("reason", r.Reason)]);

    private static ResultSummary? Signal(ProcessSignalResult? r) => r is null ? null : new(
        $"Sent SIG{r.Signal} to {r.Command} (pid {r.Pid})", []);

    private static ResultSummary? Terminal(SystemTerminalResult? r) => r is null ? null : new(
        $"Terminal as {r.Account}: {r.Ended}{(r.ExitCode is { } code ? $" (exit code {code})" : "")}",
        r.Recording is { } file ? [new("lasted", Durations.Length(r.Seconds)), new("recorded to", file)] : [new("lasted", Durations.Length(r.Seconds))]);

    private static ResultSummary? Renice(ProcessReniceResult? r) => r is null ? null : new(
        $"{r.Command} (pid {r.Pid}) now runs at nice {r.Nice}", []);
}
