using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Station.Core.Tests.Users;

[Collection(StoreCollection.Name)]
public sealed class PasswordTests : IDisposable
{
    private readonly UsersHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void PasswordSetByAnAdministratorWithTheFlag_MustBeChangedFirst()
    {
        var erin = _h.CreateUser("erin", "temporary-password", mustChangePassword: true);
        var login = _h.Users.Login("erin", "temporary-password", null, null);
        Assert.Equal((LoginStatus.Succeeded, AccountStep.ChangePassword), (login.Status, login.Step));

        Assert.Equal(StationErrorKind.BadRequest, _h.Users.ChangePassword(erin, "wrong-password", "erins-own-password").Error?.Kind);
        Assert.Equal(StationErrorKind.BadRequest, _h.Users.ChangePassword(erin, "temporary-password", "short").Error?.Kind);
        Assert.Equal(StationErrorKind.BadRequest, _h.Users.ChangePassword(erin, "temporary-password", "temporary-password").Error?.Kind);
        Assert.Equal(AccountStep.ChangePassword, _h.Users.PendingStep("erin"));

        Assert.True(_h.Users.ChangePassword(erin, "temporary-password", "erins-own-password", "10.0.0.1").Ok);
        Assert.Equal(AccountStep.None, _h.Users.PendingStep("erin"));
        Assert.Equal(LoginStatus.Refused, _h.Users.Login("erin", "temporary-password", null, null).Status);
        Assert.Equal((LoginStatus.Succeeded, AccountStep.None), (_h.Users.Login("erin", "erins-own-password", null, null) is var r ? (r.Status, r.Step) : default));
        Assert.Contains(_h.AuditOf(UserService.PasswordAction), e => e.Actor == "erin" && e.Outcome == "succeeded");
    }

    [Fact]
    public void SetPassword_GeneratesOneThatMustBeChanged_AndOnlyAnAdministratorMaySetIt()
    {
        var frank = _h.CreateUser("frank", "franks-long-password");
        Assert.Equal(StationErrorKind.Forbidden, _h.Users.SetPassword(frank, "admin", "new-admin-password", false).Error?.Kind);

        var generated = _h.Users.SetPassword(_h.Admin, "frank", null, false);
        Assert.True(generated.Ok, generated.Error?.Message);
        Assert.True(generated.Value!.Length >= UserService.MinPasswordLength);
        Assert.Equal(AccountStep.ChangePassword, _h.Users.Login("frank", generated.Value, null, null).Step);

        Assert.True(_h.Users.SetPassword(_h.Admin, "frank", "chosen-by-admin", false).Ok);
        Assert.Equal(AccountStep.None, _h.Users.Login("frank", "chosen-by-admin", null, null).Step);
    }

    [Fact]
    public void FirstAdmin_WithAGeneratedPassword_MustChangeIt()
    {
        using var store = new TempStore();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var audit = new Ccdsvm.Station.Core.Audit.AuditLog(store.Db, time);
        var users = new UserService(store.Db, Microsoft.Extensions.Options.Options.Create(new StationOptions()),
            new Ccdsvm.Station.Core.Security.AccessControl(store.Db, audit, time), Microsoft.Extensions.Logging.Abstractions.NullLogger<UserService>.Instance, time);
        var before = Environment.GetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD");
        try
        {
            Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", null);
            users.EnsureAdmin();
        }
        finally
        {
            Environment.SetEnvironmentVariable("CCDSVM_ADMIN_PASSWORD", before);
        }
        Assert.Equal(AccountStep.ChangePassword, users.PendingStep("admin"));
    }

    [Fact]
    public void NewPassword_EndsTheOldSessions_ButKeepsNamedApiTokens()
    {
        var grace = _h.CreateUser("grace", "graces-first-password");
        var session = _h.Users.IssueToken(grace);
        var current = _h.Users.IssueToken(grace);
        Assert.NotNull(_h.Users.ValidateToken(session.Token));

        // The session that makes the change stays; the other one ends.
        Assert.True(_h.Users.ChangePassword(grace, "graces-first-password", "graces-second-password", currentToken: current.Token).Ok);
        Assert.Null(_h.Users.ValidateToken(session.Token));
        Assert.NotNull(_h.Users.ValidateToken(current.Token));

        Assert.True(_h.Users.SetPassword(_h.Admin, "grace", "set-by-the-admin-1", false).Ok);
        Assert.Null(_h.Users.ValidateToken(current.Token));
    }
}
