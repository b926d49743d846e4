using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests.Kinds;

/// <summary>auth.user, auth.grant and auth.enrol: the JSON scripts send and read, both ways, and refusals in words.</summary>
public sealed class AuthKindContractTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void User_ReadsEveryAction_AsItsCamelCaseWord()
    {
        Assert.Equal(["create", "delete", "setPassword", "setGroups", "setQuota", "createGroup", "deleteGroup", "setDisabled"],
            AuthUser.Contract.Parameters.Single(p => p.Name == "action").Allowed!);
        var p = AuthUser.Contract.Read(J("""{"action":"setGroups","username":"j.doe","groups":["ops","ops","dev"]}"""));
        Assert.Equal(AuthUserAction.SetGroups, p.Action);
        Assert.Equal(["ops", "dev"], p.DistinctGroups());
        const string create = """{"action":"create","username":"bob","groups":[],"admin":false,"passwordRef":"r1","mustChangePassword":true,"quotaMiB":512}""";
        Assert.Equal(create, AuthUser.Contract.WriteJson(AuthUser.Contract.Read(J(create))));
    }

    [Fact]
    public void User_Result_WritesEveryField()
    {
        Assert.Equal("""{"action":"delete","username":"bob","group":null,"groups":null,"admin":null,"quotaMiB":null,"deleted":true,"passwordChanged":null,"disabled":null}""",
            AuthUser.Contract.WriteResult(new AuthUserResult(AuthUserAction.Delete, "bob", Deleted: true)));
        var read = AuthUser.Contract.ReadResult("""{"action":"createGroup","group":"ops"}""")!;
        Assert.Equal((AuthUserAction.CreateGroup, "ops"), (read.Action, read.Group));
        var locked = AuthUser.Contract.ReadResult("""{"action":"setDisabled","username":"bob","disabled":true}""")!;
        Assert.Equal((AuthUserAction.SetDisabled, "bob", true), (locked.Action, locked.Username, locked.Disabled));
    }

    [Theory]
    [InlineData("""{"action":"rename","username":"bob"}""", "parameter 'action' must be one of create, delete, setPassword")]
    [InlineData("""{"action":"delete","username":"../etc"}""", "'username' must be 1–64 letters, digits, '-', '_' or '.'")]
    [InlineData("""{"action":"delete","username":".."}""", "'username' may not be '.' or '..'")]
    [InlineData("""{"action":"createGroup","group":"a/b"}""", "'group' must be 1–64 letters")]
    [InlineData("""{"action":"create","username":"bob"}""", "create needs a password: use POST /api/v1/users")]
    [InlineData("""{"action":"setPassword","username":"bob"}""", "setPassword needs a password")]
    [InlineData("""{"action":"setGroups","username":"bob"}""", "setGroups needs 'groups'")]
    [InlineData("""{"action":"setGroups","username":"bob","groups":["ok","no/way"]}""", "group name 'no/way' is not valid")]
    [InlineData("""{"action":"setQuota","username":"bob"}""", "setQuota needs 'quotaMiB'")]
    [InlineData("""{"action":"setDisabled","username":"bob"}""", "setDisabled needs 'disabled'")]
    [InlineData("""{"action":"setQuota","username":"bob","quotaMiB":1.5}""", "parameter 'quotaMiB' must be a whole number")]
    [InlineData("""{"action":"setQuota","username":"bob","quotaMiB":-1}""", "parameter 'quotaMiB' must be at least 0")]
    public void User_RefusesInWords(string json, string expected) => Assert.Contains(expected, AuthUser.Contract.Check(J(json)));

    [Fact]
    public void User_AcceptsADottedName_AsTheUnitDoes()
    {
        Assert.Null(AuthUser.Contract.Check(J("""{"action":"setQuota","username":"j.doe","quotaMiB":0}""")));
        Assert.Null(AuthUser.Contract.Read(J("""{"action":"setQuota","username":"j.doe","quotaMiB":0}""")).Quota());
    }

    [Fact]
    public void Grant_RoundTrips_AndNeedsARoleToGrant()
    {
        const string json = """{"action":"revoke","path":"/units/web-1","subject":"@helpdesk"}""";
        Assert.Equal(json, AuthGrant.Contract.WriteJson(AuthGrant.Contract.Read(J(json))));
        Assert.Equal("""{"action":"grant","path":"/units/web-1","subject":"bob","role":"HelpDesk","changed":1}""",
            AuthGrant.Contract.WriteResult(new AuthGrantResult(AuthGrantAction.Grant, "/units/web-1", "bob", "HelpDesk", 1)));
        Assert.Contains("granting needs a 'role'", AuthGrant.Contract.Check(J("""{"action":"grant","path":"/","subject":"bob"}""")));
        Assert.Contains("parameter 'role' must be one of Administrator, StorageAdmin", AuthGrant.Contract.Check(J("""{"action":"grant","path":"/","subject":"bob","role":"Root"}""")));
        Assert.Contains("missing parameter 'subject'", AuthGrant.Contract.Check(J("""{"action":"revoke","path":"/"}""")));
    }

    [Fact]
    public void Enrol_RoundTrips_AndNamesOneUnitToRevoke()
    {
        const string json = """{"action":"createToken","note":"rack 4","expiresInMinutes":30}""";
        Assert.Equal(json, AuthEnrol.Contract.WriteJson(AuthEnrol.Contract.Read(J(json))));
        var revoked = AuthEnrol.Contract.ReadResult("""{"action":"revoke","unit":"web-1","revokedAt":"2026-12-05T10:00:00+00:00","revokedBy":"root","connectionsClosed":1}""")!;
        Assert.Equal(("web-1", "root", 1), (revoked.Unit, revoked.RevokedBy, revoked.ConnectionsClosed));
        Assert.Contains("revoke needs 'unit'", AuthEnrol.Contract.Check(J("""{"action":"revoke"}""")));
        Assert.Contains("'unit' must be a unit's name, not a path; got '../acl'", AuthEnrol.Contract.Check(J("""{"action":"revoke","unit":"../acl"}""")));
        Assert.Contains("parameter 'expiresInMinutes' must be at most 10080", AuthEnrol.Contract.Check(J("""{"action":"createToken","expiresInMinutes":20000}""")));
        Assert.Contains("parameter 'expiresInMinutes' must be a whole number", AuthEnrol.Contract.Check(J("""{"action":"createToken","expiresInMinutes":1.5}""")));
    }

    [Fact]
    public void AdministrationKinds_AreInTheCatalogOfContracts_WithTheirOwnPrivileges()
    {
        Assert.True(KindContracts.TryGet(TaskKinds.AuthUser, out var user));
        Assert.True(KindContracts.TryGet(TaskKinds.AuthGrant, out var grant));
        Assert.True(KindContracts.TryGet(TaskKinds.AuthEnrol, out var enrol));
        Assert.Equal(("Users.Manage", "Acl.Manage", "Units.Enrol"), (user.Privilege, grant.Privilege, enrol.Privilege));
    }
}

/// <summary>What a task is about, from its contract, for lists and titles.</summary>
public sealed class KindSubjectTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData(TaskKinds.FsChecksum, """{"path":"/srv/a/x.bin"}""", "/srv/a/x.bin")]
    [InlineData(TaskKinds.StorageMkfs, """{"device":"/dev/sdb","fstype":"ext4"}""", "/dev/sdb")]
    [InlineData(TaskKinds.StorageMount, """{"device":"/dev/sdb1","mountpoint":"/mnt/a"}""", "/dev/sdb1 on /mnt/a")]
    [InlineData(TaskKinds.FsRename, """{"from":"/srv/a","to":"/srv/b"}""", "/srv/a → /srv/b")]
    [InlineData(TaskKinds.DataMove, """{"source":{"unit":"a","path":"/srv/x"},"destination":{"unit":"b","path":"/srv/y"}}""", "a:/srv/x → b:/srv/y")]
    [InlineData(ProcessTaskKinds.Signal, """{"pid":4242,"signal":"TERM"}""", "SIGTERM to pid 4242")]
    [InlineData(TaskKinds.MaintenanceHold, """{"resource":"disks/sdb","seconds":5}""", "disks/sdb")]
    [InlineData(TaskKinds.AuthGrant, """{"action":"grant","path":"/units/a","subject":"@ops","role":"Operator"}""", "Operator of @ops on /units/a")]
    public void Subject_SaysWhatTheTaskIsAbout(string kind, string parameters, string expected)
    {
        Assert.True(KindContracts.TryGet(kind, out var contract));
        Assert.Equal(expected, contract.Subject(J(parameters)));
    }

    [Fact]
    public void Subject_OfParametersThatDoNotFit_IsNothing()
    {
        Assert.True(KindContracts.TryGet(TaskKinds.StorageMount, out var mount));
        Assert.Null(mount.Subject(J("""{"device":42}""")));
        Assert.Null(mount.Subject(J("[]")));
    }
}
