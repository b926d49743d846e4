using Bunit;
using Ccdsvm.Console.Blazor.Components.Account;
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

namespace Ccdsvm.Console.Blazor.Tests.Account;

/// <summary>The Account page on a real UserService over a real SQLite file: TOTP set-up as a person does it.</summary>
public sealed class AccountPageTests : ConsoleTestContext
{
    private const string Password = "carols-long-password";
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-account-tests-").FullName;
    private readonly UserService _users;
    private readonly AccessControl _access;

    public AccountPageTests()
    {
        var db = new StationDb(Path.Combine(_dir, "station.db"));
        using (var c = db.Open()) Migrations.Apply(c);
        var audit = new AuditLog(db);
        _access = new AccessControl(db, audit);
        _users = new UserService(db, Microsoft.Extensions.Options.Options.Create(new StationOptions { DataDirectory = _dir }), _access, NullLogger<UserService>.Instance);
        Assert.True(_users.Create("carol", Password, false, Caller.System).Ok);
        Services.AddSingleton(_users);
        Services.AddSingleton(_access);
        AddAuthorization().SetAuthorized("carol");
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
    public void TotpSetUp_ShowsAQrCodeAndTheKey_TurnsOnWithACurrentCode_AndShowsTenRecoveryCodesOnce()
    {
        var cut = Render<AccountPage>();
        Assert.Contains("Off.", cut.Find("[data-testid=totp-state]").TextContent);

        cut.Find("[data-testid=totp-begin]").Click();
        Assert.StartsWith("data:image/png;base64,", cut.Find("[data-testid=totp-qr]").GetAttribute("src"));
        var secret = cut.Find("[data-testid=totp-secret]").TextContent.Replace(" ", "");
        Assert.Equal(32, secret.Length);
        Assert.False(_users.TotpStatusOf(Carol).Enabled);

        // A wrong code keeps it off and says why.
        var code = Totp.Code(secret, DateTimeOffset.UtcNow);
        cut.Find("[data-testid=totp-code]").Change(code == "000000" ? "111111" : "000000");
        cut.Find("[data-testid=totp-confirm]").Click();
        Assert.Contains("does not match", cut.Find("[data-testid=totp-error]").TextContent);
        Assert.False(_users.TotpStatusOf(Carol).Enabled);

        cut.Find("[data-testid=totp-code]").Change(code);
        cut.Find("[data-testid=totp-confirm]").Click();
        var shown = cut.FindAll("[data-testid=totp-recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(10, shown.Count);
        Assert.True(_users.TotpStatusOf(Carol).Enabled);
        Assert.Empty(cut.FindAll("[data-testid=totp-error]"));

        // Shown once: after "saved" only the count remains, and a shown code really signs in once.
        cut.Find("[data-testid=totp-saved]").Click();
        Assert.Empty(cut.FindAll("[data-testid=totp-recovery-codes]"));
        Assert.Contains("10 recovery codes left", cut.Find("[data-testid=totp-state]").TextContent);
        Assert.Equal(LoginStatus.Succeeded, _users.Login("carol", Password, shown[0], null).Status);
    }

    [Fact]
    public void RequiredTotp_ShowsTheStepAndHidesTokensUntilEnrolled()
    {
        Assert.True(_users.SetTotpRequired(Caller.System, "carol", true).Ok);
        var cut = Render<AccountPage>();
        Assert.Contains("requires a one-time code", cut.Find("[data-testid=account-step]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=tokens-card]"));

        cut.Find("[data-testid=totp-begin]").Click();
        var secret = cut.Find("[data-testid=totp-secret]").TextContent.Replace(" ", "");
        cut.Find("[data-testid=totp-code]").Change(Totp.Code(secret, DateTimeOffset.UtcNow));
        cut.Find("[data-testid=totp-confirm]").Click();

        Assert.Empty(cut.FindAll("[data-testid=account-step]"));
        Assert.Single(cut.FindAll("[data-testid=tokens-card]"));
        Assert.Equal(10, cut.FindAll("[data-testid=totp-recovery-codes] li").Count);
    }

    [Fact]
    public void Tokens_AreCreatedWithTheSecretShownOnce_AndRevoked()
    {
        var cut = Render<AccountPage>();
        cut.Find("[data-testid=token-name]").Change("nightly backup");
        cut.Find("[data-testid=token-create]").Click();
        var secret = cut.Find("[data-testid=token-secret]").TextContent;
        Assert.Equal("carol", _users.ValidateToken(secret)?.Name);
        Assert.Contains("nightly backup", cut.Find("[data-testid=tokens-list]").TextContent);

        cut.Find("[data-testid=token-revoke]").Click();
        Assert.Null(_users.ValidateToken(secret));
        Assert.Single(cut.FindAll("[data-testid=tokens-empty]"));
    }
}
