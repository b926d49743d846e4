using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// A lock a task holds, as a view names it: on what (below the view's own resource, <see cref="Below"/>: "loop3",
/// "deep"; empty when on the view's resource itself), which task of whom, since when, and the reason a maintenance
/// hold gave. Read from the lock table, never waited for.
/// </summary>
public sealed record HeldResource(string Below, string Resource, string Mode, long TaskId, string Kind, string Owner, DateTimeOffset Since, string? Reason)
{
    /// <summary>The locks held on <paramref name="resource"/> or anything under it.</summary>
    public static IReadOnlyList<HeldResource> Under(string resource, IConsoleTasks tasks) =>
        tasks.Locks().Held
            .Where(l => l.Resource == resource || l.Resource.StartsWith(resource + "/", StringComparison.Ordinal))
            .Select(l => new HeldResource(l.Resource == resource ? "" : l.Resource[(resource.Length + 1)..].Split('/')[0], l.Resource, l.Mode, l.TaskId, l.Kind, l.Owner, l.Since,
                l.Kind == TaskKinds.MaintenanceHold ? HoldReason(tasks.Get(l.TaskId)) : null))
            .OrderBy(h => h.Since)
            .ToList();

    /// <summary>A held disk or partition as a device ("/dev/sdb1"), or "all disks" for the unit's disks as a whole.</summary>
    public string Device => Resource.Split('/') is { Length: > 4 } parts ? "/dev/" + parts[^1] : "all disks";

    /// <summary>A held file path, from its resource (<c>/units/{unit}/fs/srv/a</c> → <c>/srv/a</c>).</summary>
    public string FilePath => ResourcePath.Parse(Resource) is { IsFile: true } r ? r.Rest : Resource;

    private static string? HoldReason(TaskView? task)
    {
        if (task?.Parameters is not { } parameters) return null;
        try { return MaintenanceHold.Contract.ReadValidated(parameters).Reason; }
        catch (KindContractException) { return null; }
    }
}
