using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Uplink;

namespace Ccdsvm.Station.Core.Tests.Uplink;

/// <summary>
/// Which units' figures a mid station sends up (README, "Layered stations"), on a real ACL over SQLite: none until this
/// station lets someone of the station above view the unit (an upper user such as alice@top, or the group @upstream); a
/// grant to a local user sends nothing; a grant to the group on /units lets every unit's go; revoked, they stop at once.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UpstreamFiguresTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 2);
    private readonly UpstreamFigures _figures;

    public UpstreamFiguresTests()
    {
        _h.Online("leaf");
        _h.Online("other");
        _figures = new UpstreamFigures(_h.Access, _h.Units);
    }

    public void Dispose() => _h.Dispose();

    private void Grant(string path, string subject)
    {
        using (var c = _h.Db.Open()) AccessControl.Grant(c, null, path, subject, Roles.HelpDesk.Name, "test", DateTimeOffset.UtcNow);
        _h.Access.Reload();
    }

    [Fact]
    public void NothingGoesUp_UntilAnUpperUserOrTheGroupUpstreamMayViewTheUnit()
    {
        Assert.False(_figures.GoUp("leaf"));

        Grant("/units/leaf", "bob");
        Assert.False(_figures.GoUp("leaf"));

        Grant("/units/leaf", "alice@top");
        Assert.True(_figures.GoUp("leaf"));
        Assert.False(_figures.GoUp("other"));
        Assert.False(_figures.GoUp("nowhere"));

        Grant("/units", "@" + AccessControl.UpstreamGroup);
        Assert.True(_figures.GoUp("other"));
    }

    [Fact]
    public void Revoked_FiguresStopGoingUp()
    {
        Grant("/units/leaf", "@" + AccessControl.UpstreamGroup);
        Grant("/units/other", "alice@top");
        Assert.True(_figures.GoUp("leaf") && _figures.GoUp("other"));

        using (var c = _h.Db.Open())
        {
            AccessControl.Revoke(c, null, "/units/leaf", "@" + AccessControl.UpstreamGroup, Roles.HelpDesk.Name);
            AccessControl.Revoke(c, null, "/units/other", "alice@top", Roles.HelpDesk.Name);
        }
        _h.Access.Reload();

        Assert.False(_figures.GoUp("leaf"));
        Assert.False(_figures.GoUp("other"));
    }
}
