using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Tests.Monitoring;
using Ccdsvm.Station.Core.Units;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>Stands for the hub's live connections: records which units a revocation disconnected.</summary>
public sealed class RecordingConnections : IUnitConnections
{
    public List<string> Aborted { get; } = [];

    public int Abort(string unitId)
    {
        Aborted.Add(unitId);
        return 1;
    }
}

[Collection(StoreCollection.Name)]
public sealed class EnrolmentsTests : IDisposable
{
    private static readonly Caller Admin = new("admin", true);
    private static readonly Caller Alice = new("alice", false);

    private readonly TempStore _store = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingConnections _connections = new();
    private readonly StationKeys _keys;
    private readonly AuditLog _audit;
    private readonly UnitCredentials _credentials;
    private readonly Enrolments _enrolments;

    public EnrolmentsTests()
    {
        _keys = new StationKeys(_store.Db);
        _audit = new AuditLog(_store.Db, _time);
        _credentials = new UnitCredentials(_store.Db, _keys, _audit, _connections, _time);
        _enrolments = new Enrolments(_store.Db, _credentials, _audit, _time);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _store.Dispose();
    }

    private EnrolmentCreated Token(int? minutes = null, string? note = null) =>
        _enrolments.Create(Admin, new CreateEnrolment(note, minutes)).Value ?? throw new InvalidOperationException("create failed");

    private EnrolmentGrant Enrol(string unit) => _enrolments.Redeem(new RedeemEnrolment(Token().Token, unit)).Value!;

    private List<AuditEntry> Audit(string action) => _audit.Query(new AuditQuery(Action: action)).ToList();

    [Fact]
    public void Create_AsAdmin_ShowsTheTokenOnceAndStoresOnlyItsHash()
    {
        var created = Token(note: "rack 4");

        Assert.Equal(_time.Now + Enrolments.DefaultLifetime, created.ExpiresAt);
        Assert.True(created.Token.Length >= 40, "256 random bits");
        using var c = _store.Db.Open();
        var stored = c.QuerySingle<string>("SELECT token_hash FROM enrolment_tokens WHERE id=@id", new { id = created.Id });
        Assert.Equal(UnitSecrets.Hash(created.Token), stored);
        Assert.DoesNotContain(created.Token, stored);
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM enrolment_tokens WHERE token_hash=@t OR note=@t", new { t = created.Token }));

        var listed = Assert.Single(_enrolments.List(Admin).Value!);
        Assert.Equal((created.Id, "rack 4", "admin", EnrolmentStates.Pending), (listed.Id, listed.Note, listed.CreatedBy, listed.State));
        Assert.Equal(AuditOutcomes.Succeeded, Assert.Single(Audit("unit.enrolment-token")).Outcome);
    }

    [Fact]
    public void Create_ByANonAdministrator_IsRefusedAndAudited()
    {
        var refused = _enrolments.Create(Alice, new CreateEnrolment(null, null));

        Assert.Equal(StationErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, _enrolments.List(Alice).Error!.Kind);
        var entry = Assert.Single(Audit("unit.enrolment-token"));
        Assert.Equal(("alice", AuditOutcomes.Refused), (entry.Actor, entry.Outcome));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(7 * 24 * 60 + 1)]
    public void Create_WithAnExpiryOutOfRange_IsABadRequest(int minutes)
    {
        var refused = _enrolments.Create(Admin, new CreateEnrolment(null, minutes));
        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.Contains("expiresInMinutes", refused.Error.Message);
    }

    [Fact]
    public void Create_WithTheLongestExpiry_IsAccepted() =>
        Assert.Equal(_time.Now + Enrolments.MaxLifetime, Token(minutes: 7 * 24 * 60).ExpiresAt);

    [Fact]
    public void Redeem_Once_GivesAHashedCredentialAndTheStationKey_ASecondTimeIsRefused()
    {
        var token = Token();

        var grant = _enrolments.Redeem(new RedeemEnrolment(token.Token, "web-1"), "10.0.0.7").Value!;

        Assert.Equal(("web-1", _keys.PublicKey), (grant.Unit, grant.StationPublicKey));
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("web-1", grant.Credential));
        Assert.Equal(CredentialCheck.Wrong, _credentials.Check("web-1", grant.Credential + "x"));
        Assert.Equal(CredentialCheck.UnknownUnit, _credentials.Check("web-2", grant.Credential));
        using (var c = _store.Db.Open())
            Assert.Equal(UnitSecrets.Hash(grant.Credential), c.QuerySingle<string>("SELECT credential_hash FROM unit_credentials WHERE unit='web-1'"));

        var again = _enrolments.Redeem(new RedeemEnrolment(token.Token, "web-2"));
        Assert.Equal(StationErrorKind.Unauthorized, again.Error!.Kind);
        Assert.Contains("already used (by unit 'web-1'", again.Error.Message);
        Assert.Equal(CredentialCheck.UnknownUnit, _credentials.Check("web-2", grant.Credential));

        var listed = Assert.Single(_enrolments.List(Admin).Value!);
        Assert.Equal((EnrolmentStates.Used, "web-1", _time.Now), (listed.State, listed.UsedByUnit, listed.UsedAt));
        var audit = Audit("unit.enrol");
        Assert.Equal([AuditOutcomes.Refused, AuditOutcomes.Succeeded], audit.Select(a => a.Outcome));
        Assert.Equal(("unit:web-1", "10.0.0.7"), (audit[1].Actor, audit[1].Address));
    }

    [Fact]
    public void Redeem_AfterTheExpiry_IsRefused()
    {
        var token = Token(minutes: 10);
        _time.Advance(TimeSpan.FromMinutes(10));

        var refused = _enrolments.Redeem(new RedeemEnrolment(token.Token, "web-1"));

        Assert.Equal(StationErrorKind.Unauthorized, refused.Error!.Kind);
        Assert.Contains("expired at", refused.Error.Message);
        Assert.Equal(EnrolmentStates.Expired, Assert.Single(_enrolments.List(Admin).Value!).State);
        Assert.Equal(CredentialCheck.UnknownUnit, _credentials.Check("web-1", "anything"));
    }

    [Fact]
    public void Redeem_WithAnUnknownToken_IsRefusedAndAudited()
    {
        var refused = _enrolments.Redeem(new RedeemEnrolment("not-a-token", "web-1"), "10.0.0.9");

        Assert.Equal(StationErrorKind.Unauthorized, refused.Error!.Kind);
        Assert.Contains("not known", refused.Error.Message);
        var entry = Assert.Single(Audit("unit.enrol"));
        Assert.Equal((AuditOutcomes.Refused, "web-1", "10.0.0.9"), (entry.Outcome, entry.Target, entry.Address));
    }

    [Theory]
    [InlineData("", "web-1", "'token' is required")]
    [InlineData("t", "", "unit name is empty")]
    [InlineData("t", "Web_1", "lower-case letters")]
    public void Redeem_WithMissingOrBadFields_IsABadRequest(string token, string unit, string message)
    {
        var refused = _enrolments.Redeem(new RedeemEnrolment(token, unit));
        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.Contains(message, refused.Error.Message);
    }

    [Fact]
    public void Redeem_ForAUnitThatIsEnrolled_ConflictsAndLeavesTheTokenUnused()
    {
        var first = Enrol("web-1");
        var token = Token();

        var refused = _enrolments.Redeem(new RedeemEnrolment(token.Token, "web-1"));

        Assert.Equal(StationErrorKind.Conflict, refused.Error!.Kind);
        Assert.Contains("revoke", refused.Error.Message);
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("web-1", first.Credential));
        Assert.Equal(EnrolmentStates.Pending, _enrolments.List(Admin).Value!.Single(e => e.Id == token.Id).State);
    }

    [Fact]
    public void Revoke_RefusesTheCredential_ClosesTheConnection_AndANewTokenEnrolsAgain()
    {
        var first = Enrol("web-1");

        var revoked = _credentials.Revoke(Admin, "web-1", "10.0.0.1").Value!;

        Assert.Equal(("web-1", "admin", _time.Now), (revoked.Unit, revoked.RevokedBy, revoked.RevokedAt));
        Assert.Equal(["web-1"], _connections.Aborted);
        Assert.Equal(CredentialCheck.Revoked, _credentials.Check("web-1", first.Credential));
        var entry = Assert.Single(Audit("unit.revoke"));
        Assert.Equal(("admin", "web-1", AuditOutcomes.Succeeded), (entry.Actor, entry.Target, entry.Outcome));
        Assert.Equal(StationErrorKind.Conflict, _credentials.Revoke(Admin, "web-1").Error!.Kind);

        var second = Enrol("web-1");
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("web-1", second.Credential));
        Assert.Equal(CredentialCheck.Wrong, _credentials.Check("web-1", first.Credential));
    }

    [Fact]
    public void Revoke_ByANonAdministrator_OrOfAnUnknownUnit_IsRefused()
    {
        var grant = Enrol("web-1");

        Assert.Equal(StationErrorKind.Forbidden, _credentials.Revoke(Alice, "web-1").Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, _credentials.Revoke(Admin, "web-9").Error!.Kind);
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("web-1", grant.Credential));
        Assert.Empty(_connections.Aborted);
        Assert.Equal(("alice", AuditOutcomes.Refused), Audit("unit.revoke").Select(a => (a.Actor, a.Outcome)).Single());
    }

    [Fact]
    public void EmbeddedAgent_GetsAFreshCredentialAtEachStart_AndCannotBeRevokedWhileItRuns()
    {
        var first = _credentials.IssueForEmbeddedAgent("station").Value!;
        var second = _credentials.IssueForEmbeddedAgent("station").Value!;

        Assert.Equal(CredentialCheck.Wrong, _credentials.Check("station", first.Credential));
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("station", second.Credential));
        Assert.Equal(StationErrorKind.Conflict, _credentials.Revoke(Admin, "station").Error!.Kind);
    }

    [Fact]
    public void RefusedConnections_AreAuditedAtMostOnceAMinutePerUnitAndReason()
    {
        _credentials.RecordRefusal("web-1", CredentialCheck.Revoked, "revoked", "10.0.0.1");
        _credentials.RecordRefusal("web-1", CredentialCheck.Revoked, "revoked", "10.0.0.1");
        _credentials.RecordRefusal("web-1", CredentialCheck.Wrong, "wrong", "10.0.0.1");
        _time.Advance(UnitCredentials.RefusalAuditInterval);
        _credentials.RecordRefusal("web-1", CredentialCheck.Revoked, "revoked", "10.0.0.1");

        var entries = Audit("unit.connect");
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(("unit:web-1", "web-1", AuditOutcomes.Refused), (e.Actor, e.Target, e.Outcome)));
    }

    [Fact]
    public void StationKey_IsGeneratedOnce_KeptInTheStore_AndSignsTicketsItsPublicKeyVerifies()
    {
        using var again = new StationKeys(_store.Db);
        Assert.Equal(_keys.PublicKey, again.PublicKey);

        var ticket = new TaskTicket("alice", [], 1, "fs.list", "web-1", [], _time.Now, _time.Now.AddMinutes(5), "n");
        using var pinned = TicketSigning.ImportPublicKey(_keys.PublicKey);
        Assert.Equal(ticket.Nonce, TicketSigning.Open(again.Sign(ticket), pinned)!.Nonce);
        using var c = _store.Db.Open();
        Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM settings WHERE key='station_key'"));
    }
}
