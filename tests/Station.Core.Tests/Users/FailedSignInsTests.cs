using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>The "failed sign-ins since your last sign-in" notice, read from the audit of a real SQLite store.</summary>
[Collection(StoreCollection.Name)]
public sealed class FailedSignInsTests : IDisposable
{
    private const string Password = "bobs-long-password";
    private readonly UsersHarness _h = new();

    public FailedSignInsTests() => _h.CreateUser("bob", Password);

    public void Dispose() => _h.Dispose();

    private LoginResult SignIn(string user = "bob") => _h.Users.Login(user, Password, null, "10.1.1.1");

    private LoginResult Wrong(string user = "bob", string address = "10.9.9.9") => _h.Users.Login(user, "not-the-password", null, address);

    [Fact]
    public void FailuresBetweenTwoSignIns_AreCounted_WithThePreviousSignInAndTheLastAddress()
    {
        Assert.True(SignIn().Succeeded);
        var previous = _h.Time.GetUtcNow();
        _h.Time.Advance(TimeSpan.FromHours(3));
        Wrong(address: "10.9.9.8");
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        Wrong();
        var lastFailure = _h.Time.GetUtcNow();
        _h.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(SignIn().Succeeded);

        var notice = _h.Users.FailedSignInsBeforeLatest("bob");
        Assert.NotNull(notice);
        Assert.Equal(2, notice.Count);
        Assert.Equal(previous, notice.Since);
        Assert.Equal(lastFailure, notice.LastAt);
        Assert.Equal("10.9.9.9", notice.LastAddress);
        Assert.Equal(_h.Time.GetUtcNow(), notice.SignedInAt);
    }

    [Fact]
    public void NextSignIn_WithoutNewFailures_HasNoNotice()
    {
        SignIn();
        Wrong();
        SignIn();
        Assert.Equal(1, _h.Users.FailedSignInsBeforeLatest("bob")?.Count);

        _h.Time.Advance(TimeSpan.FromMinutes(5));
        SignIn();

        Assert.Null(_h.Users.FailedSignInsBeforeLatest("bob"));
    }

    [Fact]
    public void FirstSignIn_CountsEarlierFailures_SinceIsNull()
    {
        Wrong();
        var signIn = SignIn();

        var notice = _h.Users.FailedSignInsBeforeLatest("bob");
        Assert.True(signIn.Succeeded);
        Assert.NotNull(notice);
        Assert.Equal(1, notice.Count);
        Assert.Null(notice.Since);
    }

    [Fact]
    public void OtherAccountsFailures_AndRefusalsWhileLocked_DoNotCount()
    {
        _h.CreateUser("carol", "carols-long-password");
        SignIn();
        Wrong(user: "carol");
        Wrong(user: "nobody");
        for (int i = 0; i < LoginPolicy.MaxAccountFailures; i++) Wrong();
        // Locked: these attempts are refused without judging the password, and are not failures of the password.
        Assert.Equal(LoginStatus.Locked, Wrong().Status);
        Assert.Equal(LoginStatus.Locked, SignIn().Status);
        _h.Time.Advance(LoginPolicy.LockDuration);

        Assert.True(SignIn().Succeeded);

        Assert.Equal(LoginPolicy.MaxAccountFailures, _h.Users.FailedSignInsBeforeLatest("bob")?.Count);
        Assert.Null(_h.Users.FailedSignInsBeforeLatest("carol"));
        Assert.Null(_h.Users.FailedSignInsBeforeLatest("nobody"));
    }
}
