using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Users;
using Dapper;
using Microsoft.AspNetCore.DataProtection;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>
/// Console sessions and bearer tokens against account changes, on a real SQLite file with a hand-moved clock;
/// TOTP secrets at rest.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class SessionTests : IDisposable
{
    private const string Password = "carols-long-password";
    private readonly UsersHarness _h = new();
    private readonly Ccdsvm.Station.Core.Caller _carol;

    public SessionTests() => _carol = _h.CreateUser("carol", Password);

    public void Dispose() => _h.Dispose();

    private void FailFiveTimes()
    {
        for (int i = 0; i < LoginPolicy.MaxAccountFailures; i++) _h.Users.Login("carol", "wrong-password!", null, "10.0.0.66");
    }

    [Fact]
    public void LockedAccount_BearerTokensAreRefusedSayingUntilWhen_AndWorkAgainOnceTheLockEnds()
    {
        var signIn = _h.Users.IssueToken(_carol).Token;
        var named = _h.Users.CreateToken(_carol, "backup", 30).Value!.Token;

        FailFiveTimes();

        foreach (var token in new[] { signIn, named })
        {
            var check = _h.Users.CheckToken(token);
            Assert.Null(check.Caller);
            Assert.StartsWith("the account 'carol' is locked after 5 failed logins until ", check.Refusal, StringComparison.Ordinal);
        }
        _h.Time.Advance(LoginPolicy.LockDuration + TimeSpan.FromSeconds(1));
        Assert.Equal("carol", _h.Users.ValidateToken(signIn)?.Name);
        Assert.Equal("carol", _h.Users.ValidateToken(named)?.Name);
    }

    [Fact]
    public void DisabledAccount_TokensAndSessionsAreRefused()
    {
        var token = _h.Users.IssueToken(_carol).Token;
        var session = _h.Users.StartSession(_carol, "Laptop", null);
        using (var c = _h.Db.Open()) c.Execute("UPDATE users SET disabled=1 WHERE name='carol'");
        Assert.Equal(LoginPolicy.Disabled("carol"), _h.Users.CheckToken(token).Refusal);
        Assert.Equal(LoginPolicy.Disabled("carol"), _h.Users.ValidateSession(session).Refusal);
    }

    [Fact]
    public void Lock_EndsTheConsoleSessions_ForGood()
    {
        var session = _h.Users.StartSession(_carol, "Laptop", "10.0.0.5");
        FailFiveTimes();
        Assert.Null(_h.Users.ValidateSession(session).Caller);
        _h.Time.Advance(LoginPolicy.LockDuration + TimeSpan.FromSeconds(1));
        Assert.Null(_h.Users.ValidateSession(session).Caller);
        Assert.Empty(_h.Users.ListSessions(_carol, null));
    }

    [Fact]
    public void PasswordChange_EndsEveryOtherSessionAndSignInToken_ButTheSessionMakingIt()
    {
        var changing = _h.Users.StartSession(_carol, "Laptop", null);
        var other = _h.Users.StartSession(_carol, "Phone", null);
        var token = _h.Users.IssueToken(_carol).Token;

        Assert.True(_h.Users.ChangePassword(_carol, Password, "carols-new-password", currentSession: changing).Ok);

        Assert.Equal("carol", _h.Users.ValidateSession(changing).Caller?.Name);
        Assert.Null(_h.Users.ValidateSession(other).Caller);
        Assert.Null(_h.Users.ValidateToken(token));
    }

    [Fact]
    public void AdminReset_AndDeletion_EndTheSessions()
    {
        var session = _h.Users.StartSession(_carol, "Laptop", null);
        Assert.True(_h.Users.SetPassword(_h.Admin, "carol", "reset-by-the-admin", false).Ok);
        Assert.Null(_h.Users.ValidateSession(session).Caller);

        var again = _h.Users.StartSession(_carol, "Laptop", null);
        using (var c = _h.Db.Open()) c.Execute("DELETE FROM users WHERE name='carol'");
        Assert.Null(_h.Users.ValidateSession(again).Caller);
    }

    [Fact]
    public void IdleSession_EndsAfterEightHours_UseKeepsItGoing()
    {
        var session = _h.Users.StartSession(_carol, "Laptop", null);
        _h.Time.Advance(TimeSpan.FromHours(7));
        Assert.NotNull(_h.Users.ValidateSession(session).Caller);
        _h.Time.Advance(TimeSpan.FromHours(7));
        Assert.NotNull(_h.Users.ValidateSession(session).Caller);
        Assert.Equal(_h.Time.GetUtcNow(), Assert.Single(_h.Users.ListSessions(_carol, session)).LastSeenAt);
        _h.Time.Advance(UserService.SessionIdleLifetime + TimeSpan.FromSeconds(1));
        Assert.Null(_h.Users.ValidateSession(session).Caller);
    }

    [Fact]
    public void PendingTotpSecret_SurvivesARestart_AndIsStoredEncrypted()
    {
        var secret = _h.Users.BeginTotp(_carol).Value!.Secret;
        using (var c = _h.Db.Open())
        {
            var stored = c.ExecuteScalar<string>("SELECT totp_pending_secret FROM users WHERE name='carol'");
            Assert.StartsWith("dp1:", stored);
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }

        var restarted = _h.Restart();
        Assert.True(restarted.ConfirmTotp(_carol, Totp.Code(secret, _h.Time.GetUtcNow())).Ok);
        using (var c = _h.Db.Open())
            Assert.StartsWith("dp1:", c.ExecuteScalar<string>("SELECT totp_secret FROM users WHERE name='carol'"));
        _h.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(LoginStatus.Succeeded, restarted.Login("carol", Password, Totp.Code(secret, _h.Time.GetUtcNow()), null).Status);
    }

    [Fact]
    public void PlainSecret_FromASchemaFiveStore_IsEncryptedByProtectStoredSecrets_AndStillWorks()
    {
        using var store = new TempStore(migrate: false);
        using (var c = store.Db.Open())
        {
            Migrations.Apply(c, 5);
            c.Execute("INSERT INTO users(name, password_hash, created_at, totp_secret) VALUES ('old', 'x', '2030-01-01T00:00:00.0000000+00:00', 'JBSWY3DPEHPK3PXP')");
            Assert.Equal(Migrations.CurrentVersion, Migrations.Apply(c));
        }
        var options = Microsoft.Extensions.Options.Options.Create(new StationOptions { DataDirectory = store.Directory });
        var users = new UserService(store.Db, options, _h.Access, Microsoft.Extensions.Logging.Abstractions.NullLogger<UserService>.Instance, _h.Time);

        Assert.Equal(1, users.ProtectStoredSecrets());
        Assert.Equal(0, users.ProtectStoredSecrets());
        using var check = store.Db.Open();
        var stored = check.ExecuteScalar<string>("SELECT totp_secret FROM users WHERE name='old'")!;
        Assert.StartsWith("dp1:", stored);
        Assert.Equal("JBSWY3DPEHPK3PXP", new TotpSecrets(DataProtectionProvider.Create(
            new DirectoryInfo(Path.Combine(store.Directory, "keys")), b => b.SetApplicationName(TotpSecrets.ApplicationName))).Unprotect("old", stored));
    }
}
