using Bunit;
using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Console.Blazor.Components.Account;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Console.Blazor.Tests.Account;

/// <summary>The Sessions card on a real UserService over a real SQLite file, and the check an open console repeats.</summary>
public sealed class SessionsCardTests : ConsoleTestContext
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-sessions-card-").FullName;
    private readonly UserService _users;
    private readonly AccessControl _access;

    public SessionsCardTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open()) Migrations.Apply(c);
        _access = new AccessControl(db, new AuditLog(db));
        _users = new UserService(db, Microsoft.Extensions.Options.Options.Create(new StationOptions { DataDirectory = _dir }), _access, NullLogger<UserService>.Instance);
        Assert.True(_users.Create("carol", "carols-long-password", false, Caller.System).Ok);
        Services.AddSingleton(_users);
        Services.AddSingleton(_access);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private Caller Carol => _access.Resolve("carol");

    [Fact]
    public void Card_ListsDeviceAddressAndTimes_MarksThisSession_AndRevokesAnother()
    {
        var here = _users.StartSession(Carol, "Laptop/1.0", "10.0.0.5");
        var phone = _users.StartSession(Carol, "Phone/2.0", "10.0.0.9");

        var cut = Render<SessionsCard>(p => p.Add(c => c.Caller, Carol).Add(c => c.SessionId, here));
        var rows = cut.FindAll("[data-testid=session-row]");
        Assert.Equal(2, rows.Count);
        var current = Assert.Single(rows, r => r.QuerySelector("[data-testid=session-current]") is not null);
        Assert.Equal(here, current.GetAttribute("data-session"));
        Assert.Contains("Laptop/1.0", current.QuerySelector("[data-testid=session-device]")!.TextContent);
        Assert.Equal("Laptop/1.0", current.QuerySelector("[data-testid=session-device]")!.GetAttribute("title"));
        Assert.Equal("10.0.0.5", current.QuerySelector("[data-testid=session-address]")!.TextContent);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d$", current.QuerySelector("[data-testid=session-started]")!.TextContent);
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d$", current.QuerySelector("[data-testid=session-last-seen]")!.TextContent);

        cut.Find($"[data-session='{phone}'] [data-testid=session-revoke]").Click();
        Assert.Null(_users.ValidateSession(phone).Caller);
        Assert.Equal("carol", _users.ValidateSession(here).Caller?.Name);
        Assert.Equal(here, Assert.Single(cut.FindAll("[data-testid=session-row]")).GetAttribute("data-session"));
    }

    [Theory]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows")]
    [InlineData("curl/8.5.0", "curl/8.5.0")]
    [InlineData("", "unknown")]
    public void DeviceName_IsReadableForCommonBrowsers_AndAsSentOtherwise(string userAgent, string shown) =>
        Assert.Equal(shown, SessionsCard.DeviceName(userAgent));

    [Fact]
    public void OpenConsole_StopsBeingValid_OnceItsSessionIsRevoked()
    {
        var id = _users.StartSession(Carol, "Laptop/1.0", null);
        var revalidation = new SessionRevalidation(NullLoggerFactory.Instance, _users);
        var principal = Carol.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme, id);
        Assert.True(revalidation.StillValid(principal));
        Assert.False(revalidation.StillValid(Carol.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme)));

        Assert.True(_users.RevokeSession(Carol, id).Ok);
        Assert.False(revalidation.StillValid(principal));
    }
}
