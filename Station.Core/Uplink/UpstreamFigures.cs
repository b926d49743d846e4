using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// Which units' figures (metric summaries and full-rate samples) a mid station sends to the station above (README,
/// "Layered stations"): a unit below this station that this station's ACL lets the group <c>@upstream</c> view. Figures
/// sent up are shared there by everyone who may view the unit at the upper station, so a grant to one upper user
/// (<c>alice@top</c>) is not enough for them: it gives that user the on-demand views (storage, processes, threads), each
/// asked with a ticket the upper station signed for them. Read at each figure, so a grant or revocation takes effect at once.
/// </summary>
public sealed class UpstreamFigures(AccessControl access, UnitRegistry units)
{
    /// <summary>Anyone of the station above, and no one in particular: only what is granted to the group counts.</summary>
    private static readonly Caller Upstream = new("@" + AccessControl.UpstreamGroup, false, [AccessControl.UpstreamGroup]);

    /// <summary>Whether figures of <paramref name="unitId"/> may go up.</summary>
    public bool GoUp(string unitId) =>
        !string.IsNullOrEmpty(unitId) && unitId != TaskEngine.StationTarget && units.View(unitId) is not null && access.CanSeeUnit(Upstream, unitId);
}
