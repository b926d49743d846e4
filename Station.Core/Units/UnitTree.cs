using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// The fleet as a tree by layer (<c>GET /api/v1/units/tree</c>, the console's Tree view): one page of the units directly
/// below a unit, or at the top, as one caller sees them (a unit they may not view is absent, as in
/// <see cref="UnitDirectory.Query"/>), each mid station with the counts of the units below it. Read from the registry's
/// snapshot through an index of children built once per change (<see cref="UnitTreeIndex"/>), so a page costs its
/// siblings and the subtrees of its stations, never a scan of the fleet per row.
/// </summary>
public sealed partial class UnitTree(UnitRegistry registry, AccessControl access)
{
    public const int PageSize = 200;

    /// <summary>How many layers below a station its counts reach.</summary>
    public const int MaxDepth = 16;

    private UnitTreeIndex? _index;

    /// <summary>
    /// Units <paramref name="offset"/>.. (at most <paramref name="limit"/>, in name order) directly below
    /// <paramref name="parent"/>, or at the top when it is null or blank; with how many there are in all. A parent the
    /// caller does not see is answered like an unknown one (404).
    /// </summary>
    public Outcome<UnitTreePage> Children(Caller caller, string? parent, int offset = 0, int limit = PageSize)
    {
        if (offset < 0) return StationError.BadRequest($"'offset' must be 0 or more; got {offset}");
        if (limit is < 1 or > PageSize) return StationError.BadRequest($"'limit' must be between 1 and {PageSize}; got {limit}");
        string? under = string.IsNullOrWhiteSpace(parent) ? null : parent.Trim();
        if (under is not null && !(registry.View(under) is not null && access.CanSeeUnit(caller, under)))
            return StationError.NotFound($"unit '{UnitDirectory.Echo(under)}' is not known, so no unit is below it; leave 'parent' out for the top of the tree");
        var index = Index();
        var items = new List<UnitTreeNode>(Math.Min(limit, 64));
        int total = 0;
        foreach (var u in under is null ? index.Top : index.ChildrenOf(under))
        {
            if (!access.CanSeeUnit(caller, u.Id)) continue;
            if (total++ >= offset && items.Count < limit) items.Add(new UnitTreeNode(u, u.IsStation ? Count(caller, index, u.Id) : null));
        }
        return new UnitTreePage(under, items, total, offset);
    }

    /// <summary>The units below <paramref name="station"/> that the caller sees, by status, at most <see cref="MaxDepth"/> layers down.</summary>
    private SubtreeCounts Count(Caller caller, UnitTreeIndex index, string station)
    {
        var status = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { station };
        var stack = new Stack<(string Id, int Depth)>();
        stack.Push((station, 0));
        int total = 0;
        bool cut = false;
        while (stack.TryPop(out var at))
        {
            foreach (var child in index.ChildrenOf(at.Id))
            {
                if (!seen.Add(child.Id) || !access.CanSeeUnit(caller, child.Id)) continue;
                if (at.Depth >= MaxDepth)
                {
                    cut = true;
                    continue;
                }
                total++;
                status[child.Status] = status.GetValueOrDefault(child.Status) + 1;
                stack.Push((child.Id, at.Depth + 1));
            }
        }
        return new SubtreeCounts(total, status, cut);
    }

    /// <summary>The index of the registry's current snapshot: built on the first read after a change, shared until the next.</summary>
    private UnitTreeIndex Index()
    {
        var snapshot = registry.Snapshot();
        var index = Volatile.Read(ref _index);
        if (index is not null && ReferenceEquals(index.Of, snapshot)) return index;
        index = new UnitTreeIndex(snapshot);
        Volatile.Write(ref _index, index);
        return index;
    }
}

/// <summary>One page of the units directly below <see cref="Parent"/> (null: the top of the tree); <see cref="Total"/> counts them all.</summary>
public sealed record UnitTreePage(string? Parent, IReadOnlyList<UnitTreeNode> Items, int Total, int Offset);

/// <summary>A unit in the tree; a mid station (<see cref="UnitView.IsStation"/>) carries the counts of the units below it.</summary>
public sealed record UnitTreeNode(UnitView Unit, SubtreeCounts? Below);

/// <summary>
/// The units below a station, at any depth (up to <see cref="UnitTree.MaxDepth"/> layers): how many in all and how many
/// in each status (online, offline, unreachable, …). <see cref="Cut"/> when deeper units were left uncounted.
/// </summary>
public sealed record SubtreeCounts(int Total, IReadOnlyDictionary<string, int> ByStatus, bool Cut);
