using System.Globalization;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

/// <summary>The failed sign-in notice on a real UserService over a real SQLite file.</summary>
public sealed class SignInNoticeTests : ConsoleTestContext
{
    private const string Password = "carols-long-password";
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-signin-notice-").FullName;
    private readonly UserService _users;

    public SignInNoticeTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open()) Migrations.Apply(c);
        var audit = new AuditLog(db, Clock);
        var access = new AccessControl(db, audit, Clock);
        _users = new UserService(db, Microsoft.Extensions.Options.Options.Create(new StationOptions { DataDirectory = _dir }), access, NullLogger<UserService>.Instance, Clock);
        Assert.True(_users.Create("carol", Password, false, Caller.System).Ok);
        Services.AddSingleton(_users);
        AddAuthorization().SetAuthorized("carol");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private void SignIn() => Assert.True(_users.Login("carol", Password, null, "10.0.0.1").Succeeded);

    private void Wrong() => Assert.False(_users.Login("carol", "guess", null, "192.0.2.7").Succeeded);

    [Fact]
    public void AfterAFailedAttempt_TheNextSignInIsTold_HowManySinceWhenAndFromWhere()
    {
        SignIn();
        Clock.Advance(TimeSpan.FromHours(2));
        Wrong();
        Clock.Advance(TimeSpan.FromMinutes(1));
        SignIn();

        var cut = Render<SignInNotice>();

        var text = cut.Find("[data-testid=signin-notice-text]").TextContent;
        Assert.Equal("1 failed sign-in since your last sign-in on 5 Dec 10:00 UTC; the last at 5 Dec 12:00 UTC from 192.0.2.7. "
            + "If that was not you, change your password on the Account page.", text);
    }

    [Fact]
    public void Closing_RemembersThisSignIn_AndAClosedNoticeStaysClosed()
    {
        SignIn();
        Wrong();
        Wrong();
        SignIn();
        var signInId = _users.FailedSignInsBeforeLatest("carol")!.SignInId.ToString(CultureInfo.InvariantCulture);
        JSInterop.SetupVoid("localStorage.setItem", SignInNotice.SeenKey, signInId).SetVoidResult();

        var cut = Render<SignInNotice>();
        Assert.StartsWith("2 failed sign-ins", cut.Find("[data-testid=signin-notice-text]").TextContent);
        cut.Find("[data-testid=signin-notice] button").Click();

        Assert.Empty(cut.FindAll("[data-testid=signin-notice]"));
        JSInterop.VerifyInvoke("localStorage.setItem");

        JSInterop.Setup<string?>("localStorage.getItem", SignInNotice.SeenKey).SetResult(signInId);
        var again = Render<SignInNotice>();
        Assert.Empty(again.FindAll("[data-testid=signin-notice]"));
    }

    [Fact]
    public void WithoutFailures_NothingIsShown()
    {
        SignIn();
        Clock.Advance(TimeSpan.FromMinutes(5));
        SignIn();

        var cut = Render<SignInNotice>();

        Assert.Empty(cut.FindAll("[data-testid=signin-notice]"));
    }
}
