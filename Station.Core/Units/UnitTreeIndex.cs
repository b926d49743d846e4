namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// The units of one <see cref="UnitSnapshot"/> as a forest: each unit's children in name order, built in one pass over
/// the snapshot. A unit hangs below its <see cref="UnitView.Parent"/>; it is at the top when it names none, names this
/// station's own unit, itself or a unit the station does not know. A unit whose parent chain loops back (a bad
/// announcement) would hang below nothing the top reaches: one unit of each such loop is put at the top instead, so every
/// unit is in the tree exactly once and no walk of it can go round forever.
/// </summary>
internal sealed class UnitTreeIndex
{
    private static readonly IReadOnlyList<UnitView> None = [];
    private readonly Dictionary<string, List<UnitView>> _children = new(StringComparer.Ordinal);

    public UnitSnapshot Of { get; }

    /// <summary>The units at the top, in name order.</summary>
    public IReadOnlyList<UnitView> Top { get; }

    /// <summary>The units directly below <paramref name="id"/>, in name order.</summary>
    public IReadOnlyList<UnitView> ChildrenOf(string id) => _children.TryGetValue(id, out var list) ? list : None;

    public UnitTreeIndex(UnitSnapshot snapshot)
    {
        Of = snapshot;
        var byId = new Dictionary<string, UnitView>(snapshot.ById.Count, StringComparer.Ordinal);
        foreach (var u in snapshot.ById) byId[u.Id] = u;
        var top = new List<UnitView>();
        foreach (var u in snapshot.ByName)
        {
            if (ParentOf(u, byId) is { } parent)
            {
                if (!_children.TryGetValue(parent, out var list)) _children[parent] = list = [];
                list.Add(u);
            }
            else top.Add(u);
        }
        if (BreakLoops(snapshot, byId, top)) top.Sort(UnitRegistry.ByName);
        Top = top;
    }

    /// <summary>The id the unit hangs below, or null when it is at the top.</summary>
    private static string? ParentOf(UnitView u, Dictionary<string, UnitView> byId) =>
        u.Parent is { Length: > 0 } p && p != u.Id && p != UnitDirectory.StationUnit && byId.ContainsKey(p) ? p : null;

    /// <summary>Moves one unit of every loop of parents to the top; true when any moved.</summary>
    private bool BreakLoops(UnitSnapshot snapshot, Dictionary<string, UnitView> byId, List<UnitView> top)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        void Reach(string id)
        {
            if (!reached.Add(id)) return;
            stack.Push(id);
            while (stack.TryPop(out var next))
                foreach (var child in ChildrenOf(next))
                    if (reached.Add(child.Id)) stack.Push(child.Id);
        }
        foreach (var u in top) Reach(u.Id);
        if (reached.Count == snapshot.ById.Count) return false;
        foreach (var u in snapshot.ByName)
        {
            if (reached.Contains(u.Id)) continue;
            // Not reached from the top, so its parent chain never ends at the top: walk up until the chain repeats.
            var walked = new HashSet<string>(StringComparer.Ordinal);
            var at = u;
            while (walked.Add(at.Id) && ParentOf(at, byId) is { } parent && !reached.Contains(parent)) at = byId[parent];
            if (reached.Contains(at.Id)) continue;
            string cut = at.Id;
            if (ParentOf(at, byId) is { } above && _children.TryGetValue(above, out var siblings)) siblings.RemoveAll(c => c.Id == cut);
            top.Add(at);
            Reach(at.Id);
        }
        return true;
    }
}
