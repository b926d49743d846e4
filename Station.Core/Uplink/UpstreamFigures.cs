using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// Which units' figures (metric summaries and full-rate samples) a mid station sends to the station above (README,
/// "Layered stations"): a unit below this station that this station's ACL lets someone of the station above view, the
/// group <c>@upstream</c> or a user of that station (<c>alice@top</c>, in the group as every upper user is). A unit no
/// upper user may view here sends nothing up. Read at each figure, so a grant or revocation takes effect at once.
/// </summary>
public sealed class UpstreamFigures(AccessControl access, UnitRegistry units)
{
    /// <summary>Anyone of the station above, and no one in particular: what is granted to the group.</summary>
    private static readonly Caller Group = new("@" + AccessControl.UpstreamGroup, false, [AccessControl.UpstreamGroup]);

    private sealed record Subjects(IReadOnlyList<AclEntryView> Of, Caller[] Callers);

    private Subjects? _subjects;

    /// <summary>Whether figures of <paramref name="unitId"/> may go up.</summary>
    public bool GoUp(string unitId)
    {
        if (string.IsNullOrEmpty(unitId) || unitId == TaskEngine.StationTarget || units.View(unitId) is null) return false;
        if (access.CanSeeUnit(Group, unitId)) return true;
        foreach (var caller in UpperUsers()) if (access.CanSeeUnit(caller, unitId)) return true;
        return false;
    }

    /// <summary>The users of stations above named in this station's grants (<c>user@label</c>), as they are here: in the group @upstream.</summary>
    private Caller[] UpperUsers()
    {
        var entries = access.Entries;
        if (Volatile.Read(ref _subjects) is { } known && ReferenceEquals(known.Of, entries)) return known.Callers;
        var callers = entries.Select(e => e.Subject).Where(s => !s.StartsWith('@') && s.Contains('@', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)
            .Select(s => new Caller(s, false, [.. access.Resolve(s).GroupNames.Append(AccessControl.UpstreamGroup).Distinct(StringComparer.Ordinal)]))
            .ToArray();
        Volatile.Write(ref _subjects, new Subjects(entries, callers));
        return callers;
    }
}
