using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tests.Monitoring;
using Ccdsvm.Station.Core.Units;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Units;

/// <summary>Fleet enrolment tokens: one token for up to <c>count</c> units, each with its own credential, until expiry or revocation.</summary>
[Collection(StoreCollection.Name)]
public sealed class FleetEnrolmentTests : IDisposable
{
    private static readonly Caller Admin = new("admin", true);
    private static readonly Caller Alice = new("alice", false);

    private readonly TempStore _store = new();
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingConnections _connections = new();
    private readonly StationKeys _keys;
    private readonly AuditLog _audit;
    private readonly UnitCredentials _credentials;
    private readonly Enrolments _enrolments;

    public FleetEnrolmentTests()
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

    private EnrolmentCreated Fleet(int count, int minutes = 60) =>
        _enrolments.Create(Admin, new CreateEnrolment("rack 7", minutes, count)).Value ?? throw new InvalidOperationException("create failed");

    private Outcome<EnrolmentGrant> Redeem(EnrolmentCreated token, string unit) => _enrolments.Redeem(new RedeemEnrolment(token.Token, unit));

    [Fact]
    public void AFleetToken_EnrolsExactlyCountUnits_EachWithItsOwnCredential_ThenRefuses()
    {
        var token = Fleet(3);
        Assert.Equal(3, token.Count);

        var grants = new[] { "node-1", "node-2", "node-3" }.Select(u => Redeem(token, u).Value!).ToList();

        Assert.Equal(3, grants.Select(g => g.Credential).Distinct().Count());
        foreach (var g in grants) Assert.Equal(CredentialCheck.Valid, _credentials.Check(g.Unit, g.Credential));
        Assert.Equal(CredentialCheck.Wrong, _credentials.Check("node-1", grants[1].Credential));

        var fourth = Redeem(token, "node-4");
        Assert.Equal(StationErrorKind.Unauthorized, fourth.Error!.Kind);
        Assert.Equal("the enrolment token was already used by all 3 units it was made for; ask an administrator for a new one", fourth.Error.Message);
        Assert.Equal(CredentialCheck.UnknownUnit, _credentials.Check("node-4", "anything"));

        var listed = Assert.Single(_enrolments.List(Admin).Value!);
        Assert.Equal((EnrolmentStates.Used, 3, 3, "node-1"), (listed.State, listed.Count, listed.Uses, listed.UsedByUnit));
        using var c = _store.Db.Open();
        Assert.Equal(3, c.ExecuteScalar<long>("SELECT COUNT(*) FROM unit_credentials WHERE enrolment_token=@id", new { id = token.Id }));
    }

    [Fact]
    public void AFleetToken_PartlyUsed_StaysPending_UntilItExpires()
    {
        var token = Fleet(10, minutes: 5);
        Assert.True(Redeem(token, "node-1").Ok);
        Assert.Equal((EnrolmentStates.Pending, 1), (_enrolments.List(Admin).Value![0].State, _enrolments.List(Admin).Value![0].Uses));

        _time.Advance(TimeSpan.FromMinutes(5));
        var late = Redeem(token, "node-2");

        Assert.Equal(StationErrorKind.Unauthorized, late.Error!.Kind);
        Assert.Contains("expired at 2026-12-01 12:05:00 UTC", late.Error.Message);
        Assert.Equal(EnrolmentStates.Expired, _enrolments.List(Admin).Value![0].State);
        Assert.Equal(CredentialCheck.UnknownUnit, _credentials.Check("node-2", "anything"));
    }

    [Fact]
    public void ARevokedToken_EnrolsNoFurtherUnit_ButTheUnitsItEnrolledKeepTheirCredentials()
    {
        var token = Fleet(100);
        var first = Redeem(token, "node-1").Value!;

        var revoked = _enrolments.Revoke(Admin, token.Id, "10.0.0.1").Value!;
        Assert.Equal((EnrolmentStates.Revoked, 1, "admin"), (revoked.State, revoked.Uses, revoked.RevokedBy));

        var refused = Redeem(token, "node-2");
        Assert.Equal(StationErrorKind.Unauthorized, refused.Error!.Kind);
        Assert.Equal("the enrolment token was revoked at 2026-12-01 12:00:00 UTC by admin; ask an administrator for a new one", refused.Error.Message);
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("node-1", first.Credential));
        Assert.Equal(StationErrorKind.Conflict, _enrolments.Revoke(Admin, token.Id).Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, _enrolments.Revoke(Admin, token.Id + 99).Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, _enrolments.Revoke(Alice, token.Id).Error!.Kind);
        var audit = _audit.Query(new AuditQuery(Action: "unit.enrolment-revoke")).ToList();
        Assert.Equal([AuditOutcomes.Refused, AuditOutcomes.Succeeded], audit.Select(a => a.Outcome));
    }

    [Fact]
    public void ARevokedUnitOfAFleet_IsRefusedAtTheHub_WhileItsNeighboursStayValid()
    {
        var token = Fleet(2);
        var a = Redeem(token, "node-1").Value!;
        var b = Redeem(token, "node-2").Value!;

        Assert.True(_credentials.Revoke(Admin, "node-1").Ok);

        Assert.Equal(["node-1"], _connections.Aborted);
        Assert.Equal(CredentialCheck.Revoked, _credentials.Check("node-1", a.Credential));
        Assert.Equal(CredentialCheck.Valid, _credentials.Check("node-2", b.Credential));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(100_001)]
    public void Create_WithACountOutOfRange_IsABadRequest(int count)
    {
        var refused = _enrolments.Create(Admin, new CreateEnrolment(null, 60, count));
        Assert.Equal(StationErrorKind.BadRequest, refused.Error!.Kind);
        Assert.Equal("'count' must be between 1 and 100000: how many units may enrol with the token; the default is 1", refused.Error.Message);
        Assert.Empty(_enrolments.List(Admin).Value!);
    }

    [Fact]
    public async Task ConcurrentRedeems_NeverEnrolMoreThanCount()
    {
        var token = Fleet(20);
        var results = await Task.WhenAll(Enumerable.Range(1, 60).Select(i => Task.Run(() => Redeem(token, $"node-{i}"))))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(20, results.Count(r => r.Ok));
        Assert.Equal(40, results.Count(r => r.Error?.Kind == StationErrorKind.Unauthorized));
        using var c = _store.Db.Open();
        Assert.Equal(20, c.ExecuteScalar<long>("SELECT COUNT(*) FROM unit_credentials"));
        Assert.Equal(20, c.ExecuteScalar<long>("SELECT uses FROM enrolment_tokens WHERE id=@id", new { id = token.Id }));
    }
}
