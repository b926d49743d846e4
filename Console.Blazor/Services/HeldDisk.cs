using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// A lock a task holds on a unit's disks, as the Storage page names it: which disk (empty when all of them),
/// which task of whom, since when, and the reason a maintenance hold gave.
/// </summary>
public sealed record HeldDisk(string Disk, string Resource, string Mode, long TaskId, string Kind, string Owner, DateTimeOffset Since, string? Reason)
{
    /// <summary>What the held resource is, in words: "/dev/sdb", "/dev/sdb1", or "all disks".</summary>
    public string What => Resource.Split('/') is { Length: > 4 } parts ? "/dev/" + parts[^1] : "all disks";

    /// <summary>The locks held under <c>/units/{unit}/disks</c> now, read from the lock table (never waited for).</summary>
    public static IReadOnlyList<HeldDisk> Of(string unit, IConsoleTasks tasks)
    {
        string disks = ResourcePath.Disks(unit);
        return tasks.Locks().Held
            .Where(l => l.Resource == disks || l.Resource.StartsWith(disks + "/", StringComparison.Ordinal))
            .Select(l => new HeldDisk(l.Resource == disks ? "" : l.Resource[(disks.Length + 1)..].Split('/')[0], l.Resource, l.Mode, l.TaskId, l.Kind, l.Owner, l.Since,
                l.Kind == TaskKinds.MaintenanceHold ? HoldReason(tasks.Get(l.TaskId)) : null))
            .OrderBy(h => h.Since)
            .ToList();
    }

    private static string? HoldReason(TaskView? task)
    {
        if (task?.Parameters is not { } parameters) return null;
        try { return MaintenanceHold.Contract.ReadValidated(parameters).Reason; }
        catch (KindContractException) { return null; }
    }
}
