using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Users;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>
/// An administrator locks and unlocks accounts (<see cref="UserAdmin.SetDisabledAsync"/>) through the real auth.user
/// task: a locked account cannot sign in and is told why, its sessions end and its tokens are refused at once; nobody
/// locks their own account or the last unlocked administrator; every change is audited.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class UserAdminLockTests : IDisposable
{
    private const string Password = "long-enough-password";
    private static readonly Caller Root = new("root", true);
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly UserAdmin _admin;
    private readonly UserService _users;

    public UserAdminLockTests()
    {
        _admin = new UserAdmin(_h.Db, _h.Access, _h.Engine, _h.Passwords);
        _users = new UserService(_h.Db, Microsoft.Extensions.Options.Options.Create(_h.Options), _h.Access, NullLogger<UserService>.Instance);
    }

    public void Dispose() => _h.Dispose();

    private async Task CreateAsync(string name, bool admin = false)
    {
        var created = await _admin.CreateUserAsync(Root, name, Password, null, admin, null, false).WaitAsync(EngineHarness.Limit);
        Assert.True(created.Ok, created.Error?.Message);
    }

    private async Task<Outcome<AdminChange>> SetAsync(string name, bool disabled, Caller? caller = null) =>
        await _admin.SetDisabledAsync(caller ?? Root, name, disabled).WaitAsync(EngineHarness.Limit);

    [Fact]
    public async Task A_locked_account_cannot_sign_in_its_sessions_end_and_its_tokens_are_refused_until_it_is_unlocked()
    {
        await CreateAsync("helen");
        var helen = _h.Access.Resolve("helen");
        var signIn = _users.IssueToken(helen).Token;
        var named = _users.CreateToken(helen, "backup script", 30);
        Assert.True(named.Ok, named.Error?.Message);
        var session = _users.StartSession(helen, "Laptop", null);

        var locked = await SetAsync("helen", true);

        Assert.True(locked.Ok, locked.Error?.Message);
        var login = await _users.LoginAsync("helen", Password, null, "10.0.0.9");
        Assert.Equal((LoginStatus.Refused, LoginPolicy.Disabled("helen")), (login.Status, login.Message));
        Assert.Contains("locked by an administrator", login.Message, StringComparison.Ordinal);
        Assert.Equal(LoginPolicy.Disabled("helen"), _users.CheckToken(named.Value!.Token).Refusal);
        Assert.NotNull(_users.CheckToken(signIn).Refusal);
        Assert.NotNull(_users.ValidateSession(session).Refusal);
        Assert.True(Assert.Single(_admin.Users(Root).Value!, u => u.Username == "helen").Disabled);

        var unlocked = await SetAsync("helen", false);

        Assert.True(unlocked.Ok, unlocked.Error?.Message);
        Assert.True((await _users.LoginAsync("helen", Password, null, "10.0.0.9")).Succeeded);
        // The named token was refused while the lock lasted and counts again; the sign-in token and the session ended with the lock.
        Assert.Equal("helen", _users.CheckToken(named.Value!.Token).Caller?.Name);
        Assert.NotNull(_users.CheckToken(signIn).Refusal);
        Assert.NotNull(_users.ValidateSession(session).Refusal);
        Assert.False(Assert.Single(_admin.Users(Root).Value!, u => u.Username == "helen").Disabled);
        var audit = _h.Access.Audit.Query(new AuditQuery(Action: "user.setDisabled"));
        Assert.Equal(2, audit.Count(e => e.Target == "helen" && e.Actor == "root" && e.Outcome == AuditOutcomes.Succeeded));
        Assert.Contains(audit, e => e.Detail!.EndsWith(": locked", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Detail!.EndsWith(": unlocked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nobody_locks_their_own_account_and_only_administrators_lock_at_all()
    {
        await CreateAsync("ada", admin: true);
        await CreateAsync("helen");
        var ada = _h.Access.Resolve("ada");

        var self = await SetAsync("ada", true, ada);
        var byOperator = await SetAsync("helen", true, EngineHarness.Alice);
        var missing = await SetAsync("nobody", true);

        Assert.Equal((StationErrorKind.BadRequest, "you cannot lock your own account: another administrator has to"), (self.Error?.Kind, self.Error?.Message));
        Assert.Equal(StationErrorKind.Forbidden, byOperator.Error?.Kind);
        Assert.Equal((StationErrorKind.NotFound, "there is no user 'nobody'"), (missing.Error?.Kind, missing.Error?.Message));
        Assert.All(_admin.Users(Root).Value!, u => Assert.False(u.Disabled));
        Assert.True((await _users.LoginAsync("ada", Password, null, null)).Succeeded);
    }

    [Fact]
    public async Task The_last_unlocked_administrator_cannot_be_locked()
    {
        await CreateAsync("ada", admin: true);
        await CreateAsync("bea", admin: true);

        var first = await SetAsync("ada", true);
        var last = await SetAsync("bea", true);

        Assert.True(first.Ok, first.Error?.Message);
        Assert.Equal(StationErrorKind.Conflict, last.Error?.Kind);
        Assert.Contains("'bea' is the last unlocked administrator", last.Error!.Message, StringComparison.Ordinal);
        Assert.True((await _users.LoginAsync("bea", Password, null, null)).Succeeded);
        Assert.True((await SetAsync("ada", false)).Ok);
        Assert.True((await SetAsync("bea", true)).Ok);
    }
}
