using Bunit;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using UnitsPage = Ccdsvm.Console.Blazor.Components.Pages.Units;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// The Units page on the real <see cref="ConsoleUnits"/> and <see cref="UnitDirectory"/> over SQLite: a mid station
/// (a unit that announced kind station) carries a "station" chip on its row; an ordinary unit carries none.
/// </summary>
public sealed class UnitsPageStationKindTests : ConsoleTestContext
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-station-kind-tests-").FullName;

    public UnitsPageStationKindTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open())
        {
            Migrations.Apply(c);
            foreach (var id in new[] { "mid-1", "leaf-1" }) AccessControl.Grant(c, null, ResourcePath.Unit(id), "helen", "HelpDesk", "root", DateTimeOffset.UtcNow);
        }
        var access = new AccessControl(db, new AuditLog(db));
        var registry = new UnitRegistry(db);
        registry.Online("conn-mid", Inventory("mid-1") with { Kind = UnitKind.Station }, DateTimeOffset.UtcNow);
        registry.Online("conn-leaf", Inventory("leaf-1"), DateTimeOffset.UtcNow);
        AddAuthorization().SetAuthorized("helen");
        Services.AddSingleton(access);
        Services.AddSingleton<ConsoleUser>();
        var directory = new UnitDirectory(registry, access);
        Services.AddSingleton<IConsoleUnits>(sp => new ConsoleUnits(sp.GetRequiredService<ConsoleUser>(), directory));
    }

    private static UnitInventory Inventory(string id) =>
        new(id, id, "host-" + id, "Debian GNU/Linux 12", "6.1.0", 2, 4L << 30, [], [], ["/srv/data"], "test", null);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public void AMidStationsRow_CarriesAStationChip_AnOrdinaryUnitsRowNone()
    {
        var cut = Render<UnitsPage>();

        var mid = cut.Find("[data-testid=unit-card-mid-1]");
        Assert.Equal("station", mid.QuerySelector("[data-testid=unit-kind-station]")?.TextContent);
        var leaf = cut.Find("[data-testid=unit-card-leaf-1]");
        Assert.Null(leaf.QuerySelector("[data-testid=unit-kind-station]"));
        Assert.Single(cut.FindAll("[data-testid=unit-kind-station]"));
    }
}
