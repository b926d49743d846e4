using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// What takes a finished task back, where something can: an unmount is undone by mounting the same device at the
/// same mount point with the options it was mounted with. Read through the kinds' contracts, never from kind names.
/// </summary>
public static class Undo
{
    /// <summary>How many earlier mounts on the unit are looked through for the options of the one undone.</summary>
    public const int MountsLookedAt = 50;

    /// <summary>
    /// The mount that undoes <paramref name="unmount"/> (a succeeded storage.unmount), null when it is no such task.
    /// The options and the device as asked for come from the latest earlier succeeded mount of that device at that
    /// mount point among <paramref name="mounts"/>; without one, the device the unit unmounted and no options. The
    /// fstab line is written again when the unmount removed it.
    /// </summary>
    public static StorageMountParameters? MountAgain(TaskView unmount, IEnumerable<TaskView> mounts)
    {
        if (unmount.Kind != StorageUnmount.Contract.Kind || unmount.State != TaskStateNames.Succeeded || unmount.Result is not { } json) return null;
        StorageUnmountResult? done;
        try { done = StorageUnmount.Contract.ReadResult(json); }
        catch (KindContractException) { return null; }
        if (done is not { Mountpoint.Length: > 0, Device.Length: > 0 }) return null;

        bool? persist = done.RemovedFromFstab ? true : null;
        foreach (var mount in mounts.Where(m => m.Id < unmount.Id && m.Target == unmount.Target).OrderByDescending(m => m.Id))
        {
            if (Earlier(mount) is not { } asked || !SamePoint(asked.Parameters.Mountpoint, done.Mountpoint)) continue;
            bool sameDevice = asked.Parameters.Device == done.Device || asked.Result?.Device == done.Device || asked.Result?.BackingNode == done.Device;
            if (!sameDevice) break;
            return new StorageMountParameters(asked.Parameters.Device, done.Mountpoint, Blank(asked.Parameters.Options), persist);
        }
        return new StorageMountParameters(done.Device, done.Mountpoint, null, persist);
    }

    /// <summary>The mount as it was asked for and what the unit did, when <paramref name="task"/> is a succeeded mount that reads.</summary>
    private static (StorageMountParameters Parameters, StorageMountResult? Result)? Earlier(TaskView task)
    {
        if (task.Kind != StorageMount.Contract.Kind || task.State != TaskStateNames.Succeeded || task.Parameters is not { } p) return null;
        try
        {
            return (StorageMount.Contract.ReadOrder(p), task.Result is { } r ? StorageMount.Contract.ReadResult(r) : null);
        }
        catch (KindContractException)
        {
            return null;
        }
    }

    private static bool SamePoint(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
