using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

[Collection(StoreCollection.Name)]
public sealed class LoginLockoutTests : IDisposable
{
    private const string Password = "bobs-long-password";
    private readonly UsersHarness _h = new();

    public LoginLockoutTests() => _h.CreateUser("bob", Password);

    public void Dispose() => _h.Dispose();

    private LoginResult Wrong(string user = "bob", string address = "10.1.1.1") => _h.Users.Login(user, "not-the-password", null, address);

    [Fact]
    public void Login_WithRightPassword_SucceedsAndIsAudited()
    {
        var result = _h.Users.Login("bob", Password, null, "10.1.1.1");

        Assert.Equal(LoginStatus.Succeeded, result.Status);
        Assert.Equal("bob", result.Caller!.Name);
        var entry = Assert.Single(_h.AuditOf(UserService.LoginAction));
        Assert.Equal(("bob", "bob", AuditOutcomes.Succeeded, "10.1.1.1"), (entry.Actor, entry.Target, entry.Outcome, entry.Address));
    }

    [Fact]
    public void FiveFailures_LockTheAccount_AndTheRightPasswordIsRefusedUntilFifteenMinutesPass()
    {
        for (int i = 1; i <= 4; i++)
        {
            Assert.Equal(LoginStatus.Refused, Wrong().Status);
            _h.Time.Advance(TimeSpan.FromMinutes(1));
        }
        var fifth = Wrong();
        var lockedAt = _h.Time.GetUtcNow();
        Assert.Equal(LoginStatus.Locked, fifth.Status);
        Assert.Equal(lockedAt + TimeSpan.FromMinutes(15), fifth.RetryAt);
        Assert.Equal($"the account 'bob' is locked after 5 failed logins until {LoginPolicy.Clock(lockedAt.AddMinutes(15))}", fifth.Message);

        // The right password changes nothing while locked, and trying again does not extend the lock.
        _h.Time.Advance(TimeSpan.FromMinutes(14));
        var during = _h.Users.Login("bob", Password, null, "10.1.1.1");
        Assert.Equal(LoginStatus.Locked, during.Status);
        Assert.Null(during.Caller);
        Assert.Equal(LoginStatus.Locked, Wrong().Status);

        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_h.Users.LockedUntil("bob"));
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("bob", Password, null, "10.1.1.1").Status);

        Assert.Single(_h.AuditOf(UserService.LockoutAction));
        var logins = _h.AuditOf(UserService.LoginAction);
        Assert.Equal(5, logins.Count(e => e.Outcome == AuditOutcomes.Failed));
        Assert.Equal(2, logins.Count(e => e.Outcome == AuditOutcomes.Refused));
        Assert.Single(logins, e => e.Outcome == AuditOutcomes.Succeeded);
    }

    [Fact]
    public void FailuresSpreadOverMoreThanFifteenMinutes_DoNotLock()
    {
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(LoginStatus.Refused, Wrong().Status);
            _h.Time.Advance(TimeSpan.FromMinutes(4));
        }
    }

    [Fact]
    public void Success_ClearsTheAccountsFailures()
    {
        for (int i = 0; i < 4; i++) Wrong();
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("bob", Password, null, "10.1.1.1").Status);
        for (int i = 0; i < 4; i++) Assert.Equal(LoginStatus.Refused, Wrong().Status);
        Assert.Equal(LoginStatus.Locked, Wrong().Status);
    }

    [Fact]
    public void UnknownUser_IsLockedLikeAKnownOne_SoLockoutRevealsNothing()
    {
        for (int i = 0; i < 4; i++) Assert.Equal(LoginStatus.Refused, Wrong("nobody").Status);
        var fifth = Wrong("nobody");
        Assert.Equal(LoginStatus.Locked, fifth.Status);
        Assert.Contains("the account 'nobody' is locked after 5 failed logins", fifth.Message, StringComparison.Ordinal);
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("bob", Password, null, "10.1.1.1").Status);
    }

    [Fact]
    public void TwentyFailuresFromOneAddress_AreThrottled_EvenForAnotherAccountWithTheRightPassword()
    {
        // Four wrong tries on each of five names: no account reaches its own limit.
        foreach (var name in new[] { "u1", "u2", "u3", "u4", "u5" })
            for (int i = 0; i < 4; i++) Assert.Equal(LoginStatus.Refused, Wrong(name, "10.9.9.9").Status);

        var throttled = _h.Users.Login("bob", Password, null, "10.9.9.9");
        Assert.Equal(LoginStatus.Throttled, throttled.Status);
        Assert.StartsWith("too many failed logins from this address", throttled.Message, StringComparison.Ordinal);
        Assert.Equal(_h.Time.GetUtcNow() + TimeSpan.FromMinutes(15), throttled.RetryAt);
        Assert.Equal(LoginStatus.Throttled, Wrong("someone-else", "10.9.9.9").Status);

        // Another address is not affected; this one may try again once the window has passed.
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("bob", Password, null, "10.2.2.2").Status);
        _h.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(LoginStatus.Succeeded, _h.Users.Login("bob", Password, null, "10.9.9.9").Status);
    }

    [Fact]
    public void UnknownUser_TakesAsLongAsAWrongPassword()
    {
        // Both run the slow hash once: warm up, then compare medians of a few tries (loose bound for a shared machine).
        Wrong("bob", "10.3.3.3");
        Wrong("ghost", "10.3.3.4");
        _h.Users.Login("bob", Password, null, "10.3.3.5");
        static double Median(Func<LoginResult> login) => Enumerable.Range(0, 3).Select(_ =>
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            login();
            return sw.Elapsed.TotalMilliseconds;
        }).Order().ElementAt(1);
        double known = Median(() => Wrong("bob", "10.4.4.1"));
        double unknown = Median(() => Wrong("ghost", "10.4.4.2"));
        Assert.True(unknown > known / 3, $"unknown user answered in {unknown:F1} ms, wrong password in {known:F1} ms: the unknown path skips the hash");
    }

    [Fact]
    public void DisabledAccount_IsRefusedWithTheRightPassword()
    {
        using (var c = _h.Db.Open()) Dapper.SqlMapper.Execute(c, "UPDATE users SET disabled=1 WHERE name='bob'");

        var result = _h.Users.Login("bob", Password, null, "10.1.1.1");

        // The right password earns the reason (an administrator's lock); a wrong one learns nothing about the account.
        Assert.Equal(LoginStatus.Refused, result.Status);
        Assert.Equal(LoginPolicy.Disabled("bob"), result.Message);
        Assert.Equal(LoginPolicy.WrongCredentials, _h.Users.Login("bob", "not-the-password", null, "10.1.1.1").Message);
    }
}
