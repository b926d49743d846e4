using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A mounted file system at or above <see cref="FleetFacts.NearFullPercent"/>, from the unit's last storage reading.</summary>
public sealed record NearFullFileSystem(string Unit, string MountPoint, string Device, long SizeBytes, long UsedBytes, double UsedPercent);

/// <summary>A task that failed recently, said for people: what it was, where, and why it failed.</summary>
public sealed record FailedTaskLine(long Id, string What, string Target, string Reason, DateTimeOffset? EndedAt);

/// <summary>
/// The state of the fleet for the first screen: units online and offline, file systems nearly full, tasks that
/// failed in the last day, tasks running and open alerts. Built from what the console already holds (the unit
/// directory, each unit's last storage reading, the tasks the user may see, the alerts): reading it never starts a
/// task and never waits for a lock.
/// </summary>
public sealed record FleetFacts(
    IReadOnlyList<UnitView> Units,
    IReadOnlyList<NearFullFileSystem> NearFull,
    IReadOnlyList<FailedTaskLine> Failed,
    int Running,
    IReadOnlyList<Alert> Alerts)
{
    /// <summary>How full a file system is before the overview calls it nearly full.</summary>
    public const double NearFullPercent = 85;

    /// <summary>How far back the overview counts failed tasks.</summary>
    public static readonly TimeSpan FailedWithin = TimeSpan.FromHours(24);

    public int Online => Units.Count(u => u.Online);
    public int Offline => Units.Count - Online;

    /// <summary>The fullest file system of the fleet, where "open storage" leads; null when none is nearly full.</summary>
    public NearFullFileSystem? Fullest => NearFull.Count > 0 ? NearFull[0] : null;

    /// <param name="nearFull">Each unit's nearly full file systems (<see cref="NearFullOn"/> of its last reading, kept per reading).</param>
    public static FleetFacts Of(
        IReadOnlyList<UnitView> units,
        Func<string, IReadOnlyList<NearFullFileSystem>?> nearFull,
        IEnumerable<TaskView> failed,
        int running,
        IReadOnlyList<Alert> alerts)
    {
        var full = units
            .SelectMany(u => nearFull(u.Id) ?? [])
            .OrderByDescending(f => f.UsedPercent)
            .ThenBy(f => f.Unit, StringComparer.Ordinal)
            .ToList();
        var failures = failed.OrderByDescending(t => t.EndedAt).Select(Line).ToList();
        return new FleetFacts(units, full, failures, running, alerts);
    }

    /// <summary>Whether a task counts as failed for the overview: it failed or was interrupted within <see cref="FailedWithin"/> of <paramref name="now"/>.</summary>
    public static bool FailedRecently(TaskView task, DateTimeOffset now) =>
        task.State is TaskStateNames.Failed or TaskStateNames.Interrupted && task.EndedAt is { } ended && ended >= now - FailedWithin;

    /// <summary>The file systems of a storage reading that are at least <see cref="NearFullPercent"/> used.</summary>
    public static IReadOnlyList<NearFullFileSystem> NearFullOn(StorageSnapshot snapshot) =>
        [.. StorageLayout.From(snapshot.Storage).FileSystems
            .Where(f => f.SizeBytes > 0 && f.UsedPercent >= NearFullPercent)
            .Select(f => new NearFullFileSystem(snapshot.Unit, f.MountPoint, f.Device, f.SizeBytes, f.UsedBytes, f.UsedPercent))];

    private static FailedTaskLine Line(TaskView t)
    {
        string what = KindContracts.TryGet(t.Kind, out var c) ? c.Title : t.Kind;
        string? subject = t.Parameters is { } p && c is not null ? c.Subject(p) : null;
        string reason = t.Error is { Length: > 0 } e ? e : t.State == TaskStateNames.Interrupted ? "interrupted (the station or unit restarted)" : "no reason given";
        return new FailedTaskLine(t.Id, subject is null ? what : $"{what} · {subject}", t.Target, reason, t.EndedAt);
    }
}
