using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Security;

/// <summary>The ACL as the engine and the admin service enforce it, on a real store.</summary>
[Collection(StoreCollection.Name)]
public sealed class AccessEnforcementTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UserAdmin _admin;
    private static readonly Caller Root = new("root", true);

    public AccessEnforcementTests()
    {
        _h.Online("a");
        _h.Online("b");
        _admin = new UserAdmin(_h.Db, _h.Access, _h.Engine, _h.Passwords);
        foreach (var name in new[] { "helen", "audrey", "olga" })
            _h.Db.Open().Execute("INSERT INTO users(name, password_hash, created_at) VALUES (@name, 'x', '2026-01-01T00:00:00Z')", new { name });
    }

    public void Dispose() => _h.Dispose();

    private async Task Grant(string path, string subject, string role)
    {
        var change = await _admin.GrantAsync(Root, path, subject, role).WaitAsync(EngineHarness.Limit);
        Assert.True(change.Ok, change.Error?.Message);
        Assert.Equal("succeeded", change.Value!.Task.State);
    }

    [Fact]
    public async Task UnitWithoutGrant_IsUnknownToTheUser_AndAbsentFromTheListInTheMessage()
    {
        await Grant("/units/a", "helen", "HelpDesk");
        var helen = _h.Access.Resolve("helen");

        var onB = await _h.Engine.SubmitAsync(EngineHarness.Checksum("/srv/data/x", target: "b"), helen).WaitAsync(EngineHarness.Limit);
        var onA = await _h.Engine.SubmitAsync(EngineHarness.Checksum("/srv/data/x", target: "a"), helen).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.NotFound, onB.Error!.Kind);
        Assert.Contains("unit 'b' is not known", onB.Error.Message);
        Assert.DoesNotContain(" b", onB.Error.Message.Split("known units:")[1]);
        Assert.True(onA.Ok, onA.Error?.Message);
        Assert.True(_h.Access.CanSeeUnit(helen, "a"));
        Assert.False(_h.Access.CanSeeUnit(helen, "b"));
    }

    [Fact]
    public async Task NoAccessOnADeeperPath_CancelsTheInheritedRoleThere_Only()
    {
        await Grant("/units/a", "olga", "Operator");
        await Grant("/units/a/fs/srv/secret", "olga", "NoAccess");
        var olga = _h.Access.Resolve("olga");

        var secret = await _h.Engine.SubmitAsync(new SubmitTask("fs.list", "a", EngineHarness.Json(new { path = "/srv/secret/inner" })), olga).WaitAsync(EngineHarness.Limit);
        var open = await _h.Engine.SubmitAsync(new SubmitTask("fs.list", "a", EngineHarness.Json(new { path = "/srv/data" })), olga).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.Forbidden, secret.Error!.Kind);
        Assert.Contains("Task.fs.list", secret.Error.Message);
        Assert.True(open.Ok, open.Error?.Message);
        var audit = _h.Access.Audit.Query(new AuditQuery(Actor: "olga", Outcome: AuditOutcomes.Refused));
        Assert.Contains(audit, e => e.Target == "/units/a/fs/srv/secret/inner" && e.Action == "task.submit fs.list");
    }

    [Fact]
    public async Task Tasks_VisibleToOwnerAndViewAll_CancelOnlyByOwnerOrCancelAny()
    {
        await Grant("/", "audrey", "Auditor");
        await Grant("/units", "helen", "HelpDesk");
        var task = await _h.SubmitOk(EngineHarness.Hold("disks/sdb"), EngineHarness.Alice);
        var audrey = _h.Access.Resolve("audrey");
        var helen = _h.Access.Resolve("helen");

        Assert.True(_h.Engine.Get(task.Id, audrey).Ok);
        Assert.Contains(_h.Engine.List(new TaskQuery(null, null, null, 50), audrey).Value!, t => t.Id == task.Id);
        Assert.Equal(StationErrorKind.NotFound, _h.Engine.Get(task.Id, helen).Error!.Kind);
        Assert.DoesNotContain(_h.Engine.List(new TaskQuery(null, null, null, 50), helen).Value!, t => t.Id == task.Id);
        Assert.Equal(StationErrorKind.Forbidden, (await _h.Engine.CancelAsync(task.Id, audrey).WaitAsync(EngineHarness.Limit)).Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, (await _h.Engine.CancelAsync(task.Id, helen).WaitAsync(EngineHarness.Limit)).Error!.Kind);
        Assert.Equal("running", _h.View(task.Id).State is "dispatched" ? "running" : _h.View(task.Id).State);
        Assert.True((await _h.Engine.CancelAsync(task.Id, EngineHarness.Alice).WaitAsync(EngineHarness.Limit)).Ok);
    }

    [Fact]
    public async Task AclChanges_RunAsTasks_TakeEffectAtOnce_AndAreAudited()
    {
        Assert.False(_h.Access.CanSeeUnit(_h.Access.Resolve("helen"), "b"));

        var granted = await _admin.GrantAsync(Root, "/units/b", "helen", "HelpDesk").WaitAsync(EngineHarness.Limit);

        Assert.True(granted.Ok, granted.Error?.Message);
        Assert.Equal(TaskKinds.AuthGrant, granted.Value!.Task.Kind);
        Assert.Equal("station", granted.Value.Task.Target);
        Assert.True(_h.Access.CanSeeUnit(_h.Access.Resolve("helen"), "b"));
        Assert.Contains(_h.Access.Audit.Query(new AuditQuery(Action: "acl.grant")), e => e.Actor == "root" && e.Target == "helen on /units/b");

        var revoked = await _admin.RevokeAsync(Root, "/units/b", "helen", null).WaitAsync(EngineHarness.Limit);
        Assert.True(revoked.Ok, revoked.Error?.Message);
        Assert.False(_h.Access.CanSeeUnit(_h.Access.Resolve("helen"), "b"));
        var again = await _admin.RevokeAsync(Root, "/units/b", "helen", null).WaitAsync(EngineHarness.Limit);
        Assert.Equal(StationErrorKind.NotFound, again.Error!.Kind);
    }

    [Fact]
    public async Task NonAdmin_CannotGrant_OrCreateUsers_AndNothingChanges()
    {
        await Grant("/units", "olga", "Operator");
        var olga = _h.Access.Resolve("olga");
        int before = _h.Access.Entries.Count;

        var grant = await _admin.GrantAsync(olga, "/", "olga", "Administrator").WaitAsync(EngineHarness.Limit);
        var user = await _admin.CreateUserAsync(olga, "mallory", "a-long-password", null, true, null, false).WaitAsync(EngineHarness.Limit);

        Assert.Equal(StationErrorKind.Forbidden, grant.Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, user.Error!.Kind);
        Assert.Equal(before, _h.Access.Entries.Count);
        Assert.False(_h.Access.Resolve("olga").IsAdmin);
        Assert.Equal(0L, _h.Db.Open().ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE name='mallory'"));
    }

    [Fact]
    public async Task CreateUser_InGroup_GroupGrantApplies_AndPasswordNeverEntersTheTask()
    {
        Assert.True((await _admin.UserChangeAsync(Root, AuthUserAction.CreateGroup, group: "helpdesk").WaitAsync(EngineHarness.Limit)).Ok);
        await Grant("/units/a", "@helpdesk", "HelpDesk");

        var created = await _admin.CreateUserAsync(Root, "hank", "hanks-long-password", ["helpdesk"], false, null, false).WaitAsync(EngineHarness.Limit);

        Assert.True(created.Ok, created.Error?.Message);
        var hank = _h.Access.Resolve("hank");
        Assert.Equal(["helpdesk"], hank.GroupNames);
        Assert.True(_h.Access.CanSeeUnit(hank, "a"));
        Assert.False(_h.Access.CanSeeUnit(hank, "b"));
        var stored = _h.Db.Open().ExecuteScalar<string>("SELECT parameters FROM tasks WHERE id=@id", new { id = created.Value!.Task.Id });
        Assert.DoesNotContain("hanks-long-password", stored);
        Assert.Contains("passwordRef", stored);
    }

    [Fact]
    public void AuditLog_IsAppendOnly()
    {
        var entry = _h.Access.Audit.Write("root", "test.write", "x", AuditOutcomes.Allowed);
        using var c = _h.Db.Open();

        var update = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => c.Execute("UPDATE audit SET actor='eve' WHERE id=@id", new { id = entry.Id }));
        var delete = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => c.Execute("DELETE FROM audit WHERE id=@id", new { id = entry.Id }));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal("root", c.ExecuteScalar<string>("SELECT actor FROM audit WHERE id=@id", new { id = entry.Id }));
    }
}
