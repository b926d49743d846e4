using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

[Collection(StoreCollection.Name)]
public sealed class ApiTokenTests : IDisposable
{
    private readonly UsersHarness _h = new();
    private readonly Ccdsvm.Station.Core.Caller _dave;

    public ApiTokenTests() => _dave = _h.CreateUser("dave", "daves-long-password");

    public void Dispose() => _h.Dispose();

    [Fact]
    public void NamedToken_AuthenticatesAsItsOwner_IsListedWithoutItsSecret_AndIsRefusedOnceRevoked()
    {
        var created = _h.Users.CreateToken(_dave, "backup script", 30, "10.0.0.9");
        Assert.True(created.Ok, created.Error?.Message);
        var token = created.Value!;
        Assert.Equal(_h.Time.GetUtcNow().AddDays(30), token.ExpiresAt);

        var caller = _h.Users.ValidateToken(token.Token);
        Assert.Equal("dave", caller?.Name);
        Assert.False(caller!.IsAdmin);

        var listed = Assert.Single(_h.Users.ListTokens(_dave));
        Assert.Equal((token.Id, "backup script"), (listed.Id, listed.Name));
        Assert.Equal(_h.Time.GetUtcNow(), listed.LastUsedAt);
        Assert.DoesNotContain(token.Token, System.Text.Json.JsonSerializer.Serialize(listed), StringComparison.Ordinal);
        Assert.Empty(_h.Users.ListTokens(_h.Admin));

        // Someone else cannot revoke it.
        Assert.Equal(StationErrorKind.NotFound, _h.Users.RevokeToken(_h.Admin, token.Id).Error?.Kind);
        Assert.NotNull(_h.Users.ValidateToken(token.Token));

        Assert.True(_h.Users.RevokeToken(_dave, token.Id, "10.0.0.9").Ok);
        Assert.Null(_h.Users.ValidateToken(token.Token));
        Assert.Empty(_h.Users.ListTokens(_dave));
        Assert.Single(_h.AuditOf("auth.token.create"), e => e.Actor == "dave" && e.Target == "backup script");
        Assert.Single(_h.AuditOf("auth.token.revoke"), e => e.Actor == "dave" && e.Target == "backup script");
    }

    [Fact]
    public void NamedToken_ExpiresAfterItsDays_AndSessionTokensAreNotListed()
    {
        var token = _h.Users.CreateToken(_dave, "short", 1).Value!;
        _h.Users.IssueToken(_dave);
        Assert.Single(_h.Users.ListTokens(_dave));

        _h.Time.Advance(TimeSpan.FromDays(1));
        Assert.Null(_h.Users.ValidateToken(token.Token));
        Assert.Empty(_h.Users.ListTokens(_dave));
    }

    [Fact]
    public void NamedToken_HasNoMoreThanItsOwnersRightsNow()
    {
        var token = _h.Users.CreateToken(_h.Admin, "admin script", null).Value!;
        Assert.Equal(_h.Time.GetUtcNow().AddDays(UserService.DefaultTokenDays), token.ExpiresAt);
        Assert.True(_h.Users.ValidateToken(token.Token)!.IsAdmin);

        using (var c = _h.Db.Open()) Dapper.SqlMapper.Execute(c, "DELETE FROM acl WHERE subject='admin'");
        _h.Access.Reload();
        Assert.False(_h.Users.ValidateToken(token.Token)!.IsAdmin);
    }

    [Theory]
    [InlineData("", 10)]
    [InlineData("ok", 0)]
    [InlineData("ok", 4000)]
    public void CreateToken_WithBadInput_IsRefused(string name, int days) =>
        Assert.Equal(StationErrorKind.BadRequest, _h.Users.CreateToken(_dave, name, days).Error?.Kind);

    [Fact]
    public void CreateToken_WithADuplicateName_Conflicts()
    {
        Assert.True(_h.Users.CreateToken(_dave, "ci", 5).Ok);
        Assert.Equal(StationErrorKind.Conflict, _h.Users.CreateToken(_dave, "ci", 5).Error?.Kind);
    }
}
