using System.Text.Json;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Security;

/// <summary>
/// Issue 13.1: a path from a user is canonicalised once before it is authorised, locked, stored or signed;
/// no spelling climbs out of <c>/units/{u}/fs/</c> around a NoAccess grant.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class PathCanonicalTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly Caller _olga;

    public PathCanonicalTests()
    {
        _h.Online("a");
        var admin = new UserAdmin(_h.Db, _h.Access, _h.Engine, _h.Passwords);
        _h.Db.Open().Execute("INSERT INTO users(name, password_hash, created_at) VALUES ('olga', 'x', '2026-01-01T00:00:00Z')");
        var root = new Caller("root", true);
        Assert.True(admin.GrantAsync(root, "/units/a", "olga", "Operator").Wait(EngineHarness.Limit));
        Assert.True(admin.GrantAsync(root, "/units/a/fs/srv/secret", "olga", "NoAccess").Wait(EngineHarness.Limit));
        _olga = _h.Access.Resolve("olga");
    }

    public void Dispose() => _h.Dispose();

    private Task<Outcome<TaskView>> Submit(string kind, object parameters) =>
        _h.Engine.SubmitAsync(new SubmitTask(kind, "a", EngineHarness.Json(parameters)), _olga).WaitAsync(EngineHarness.Limit);

    [Theory]
    [InlineData("fs.checksum", "/../srv/secret/inner/s.txt")]
    [InlineData("fs.delete", "/../srv/secret/inner/s.txt")]
    [InlineData("fs.delete", "/srv/data/../secret/inner/s.txt")]
    [InlineData("fs.list", "/srv/./secret")]
    [InlineData("fs.checksum", "/srv/secret/inner/..")]
    public async Task DotSegments_AreRefusedBeforeAuthorisation_NotResolvedAroundNoAccess(string kind, string path)
    {
        var outcome = await Submit(kind, new { path });

        Assert.False(outcome.Ok, $"{kind} {path} was admitted");
        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains("'.' or '..' segment", outcome.Error.Message);
        Assert.Empty(_h.Dispatcher.Orders);
    }

    [Fact]
    public async Task DoubledSlashes_AreCollapsed_SoTheNoAccessGrantStillApplies()
    {
        var outcome = await Submit("fs.checksum", new { path = "//srv//secret/inner/s.txt/" });

        Assert.Equal(StationErrorKind.Forbidden, outcome.Error!.Kind);
    }

    [Fact]
    public async Task AnAdmittedTask_StoresLocksAndSignsTheCanonicalPath()
    {
        var view = (await Submit("fs.list", new { path = "/srv//data/" })).Value!;

        Assert.Equal(["/units/a/fs/srv/data"], view.HeldLocks.Select(l => l.Resource));
        var order = Assert.Single(_h.Dispatcher.Orders).Order;
        Assert.Equal("/srv/data", JsonDocument.Parse(order.ParametersJson).RootElement.GetProperty("path").GetString());
    }

    [Fact]
    public async Task DataMovePaths_InsideObjects_AreCanonicalisedAndChecked()
    {
        _h.Online("b");
        var climb = await _h.Engine.SubmitAsync(new SubmitTask("data.move", "a", EngineHarness.Json(new
        {
            source = new { unit = "b", path = "/srv/data/x" },
            destination = new { unit = "a", path = "/srv/data/../secret/x" },
        })), EngineHarness.Alice).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.BadRequest, climb.Error!.Kind);
        Assert.Contains("destination.path", climb.Error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("relative/path")]
    [InlineData("/srv/a\0b")]
    [InlineData("/srv/a\nb")]
    public async Task EmptyRelativeNulAndControlCharacters_AreRefusedWithAMessage(string path)
    {
        var outcome = await Submit("fs.stat", new { path });

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains("'path'", outcome.Error.Message);
    }

    [Fact]
    public async Task HugePaths_AreRefused()
    {
        var outcome = await Submit("fs.stat", new { path = "/" + new string('a', 5000) });
        var longName = await Submit("fs.stat", new { path = "/srv/" + new string('é', 200) });

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains("at most 4096", outcome.Error.Message);
        Assert.Contains("longer than 255 bytes", longName.Error!.Message);
    }

    [Fact]
    public async Task HeldResources_MayNotClimbEither()
    {
        var outcome = await Submit("maintenance.hold", new { resource = "fs/srv/data/../secret", seconds = 60 });

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains("'resource'", outcome.Error.Message);
    }

    [Theory]
    [InlineData("/dev/../tmp/sdb", "'..' segment")]
    [InlineData("/tmp/sdb", "under /dev/")]
    [InlineData("/dev", "under /dev/")]
    public async Task Devices_AreCanonicalPathsUnderDev(string device, string expected)
    {
        var outcome = await _h.Engine.SubmitAsync(new SubmitTask("storage.mkfs", "a", EngineHarness.Json(new { device, fstype = "ext4" })), new Caller("root", true)).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains(expected, outcome.Error.Message);
    }

    [Fact]
    public async Task RaidMembers_AreCheckedLikeDevices()
    {
        var outcome = await _h.Engine.SubmitAsync(new SubmitTask("storage.raid", "a", EngineHarness.Json(new { level = "raid1", name = "r", devices = new[] { "/dev/sdb", "/dev/../etc/x" } })), new Caller("root", true)).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error!.Kind);
        Assert.Contains("devices[1]", outcome.Error.Message);
    }

    [Theory]
    [InlineData("disks/sdb1", "/units/a/disks/sdb/sdb1")]
    [InlineData("/units/a/disks/loop2p1", "/units/a/disks/loop2/loop2p1")]
    [InlineData("disks/sdb", "/units/a/disks/sdb")]
    public void AHeldPartition_IsHeldUnderItsDisk(string resource, string expected) =>
        Assert.Equal(expected, TaskKindCatalog.HoldResource("a", resource));
}
