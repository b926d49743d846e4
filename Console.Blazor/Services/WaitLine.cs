using System.Globalization;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// One lock a task waits for, said for people: "waiting for /units/u1/disks/sdb, held by task #41 of alice" and the
/// reason the holder gave ("replacing disk"), from the station's wait chain (<see cref="AwaitedLockView.Holders"/>).
/// </summary>
public sealed record WaitLine(string Text, string? Reason)
{
    public static IReadOnlyList<WaitLine> Of(TaskView task)
    {
        if (task.AwaitedLocks.Count == 0)
            return task.WaitingFor is { Length: > 0 } words ? [new WaitLine(words, null)] : [];
        return task.AwaitedLocks.Select(Of).ToList();
    }

    private static WaitLine Of(AwaitedLockView w)
    {
        if (w.Holders is not { Count: > 0 } holders) return new WaitLine(w.Description ?? $"waiting for {w.Resource}", null);
        string who = string.Join(" and ", holders.Select(h =>
        {
            string task = $"task #{h.TaskId.ToString(CultureInfo.InvariantCulture)}" + (h.Owner == "?" ? "" : $" of {h.Owner}");
            if (h.QueuedAhead) return task + ", queued ahead";
            return h.Since is { } since ? $"{task} since {since.ToLocalTime():HH:mm}" : task;
        }));
        string verb = holders.All(h => h.QueuedAhead) ? "behind" : "held by";
        var reasons = holders.Select(h => h.Reason).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return new WaitLine($"waiting for {w.Resource}, {verb} {who}", reasons.Count == 0 ? null : string.Join("; ", reasons));
    }
}
