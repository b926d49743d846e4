using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// The listing a source unit sent for a tree (<see cref="DataPlaneRoutes.Tree"/>), kept for the same transfer's bundle
/// (<see cref="DataPlaneRoutes.Bundle"/>), so a tree of a hundred thousand files is walked once, not twice. Kept per task,
/// destination unit and root, for <see cref="Keep"/> at most, a few at a time; dropped once the bundle is sent whole. The
/// bundle still opens every file below the pinned root and sends its size and mtime as they are then.
/// </summary>
public sealed class TreeListings
{
    public static readonly TimeSpan Keep = TimeSpan.FromMinutes(10);

    /// <summary>Listings kept at most; the oldest goes first.</summary>
    public const int MaxKept = 8;

    private readonly object _gate = new();
    private readonly Dictionary<(long TaskId, string Unit, string Root), (IReadOnlyList<DataEntry> Entries, long At)> _kept = [];

    /// <summary>Keeps <paramref name="entries"/> when it lists a file small enough for the bundle (only then is it asked for).</summary>
    public void Remember(TransferTicket ticket, string root, IReadOnlyList<DataEntry> entries)
    {
        if (!entries.Any(e => e.Type == DataEntry.FileType && e.Size <= DataPlaneRoutes.BundleFileLimit)) return;
        lock (_gate)
        {
            long now = Environment.TickCount64;
            foreach (var old in _kept.Where(k => now - k.Value.At > Keep.TotalMilliseconds).Select(k => k.Key).ToList()) _kept.Remove(old);
            while (_kept.Count >= MaxKept) _kept.Remove(_kept.MinBy(k => k.Value.At).Key);
            _kept[Key(ticket, root)] = (entries, now);
        }
    }

    /// <summary>The listing kept for this ticket's task and <paramref name="root"/>, or null (none, or too old).</summary>
    public IReadOnlyList<DataEntry>? Find(TransferTicket ticket, string root)
    {
        lock (_gate)
        {
            return _kept.TryGetValue(Key(ticket, root), out var kept) && Environment.TickCount64 - kept.At <= Keep.TotalMilliseconds ? kept.Entries : null;
        }
    }

    public void Forget(TransferTicket ticket, string root)
    {
        lock (_gate) _kept.Remove(Key(ticket, root));
    }

    private static (long, string, string) Key(TransferTicket ticket, string root) => (ticket.TaskId, ticket.DestinationUnit, root);
}
