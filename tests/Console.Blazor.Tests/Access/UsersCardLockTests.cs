using Bunit;
using Ccdsvm.Console.Blazor.Components.Access;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Access;

/// <summary>An administrator locks an account from its row (after a confirmation) and unlocks it again.</summary>
public sealed class UsersCardLockTests : ConsoleTestContext
{
    private readonly ScriptedConsoleAdmin _admin;

    public UsersCardLockTests()
    {
        _admin = new ScriptedConsoleAdmin(Clock);
        Services.AddSingleton<IConsoleAdmin>(_admin);
        _admin.UserList.Add(new UserDetails("bob", false, [], [], null, false, false, Clock.GetUtcNow().AddDays(-3)));
    }

    [Fact]
    public void Lock_AsksFirst_ThenTheRowSaysLockedAndOffersUnlock()
    {
        var cut = Render<UsersCard>();

        cut.Find("[data-testid=user-row-bob] [data-testid=user-lock]").Click();
        Assert.Empty(_admin.LockChanges);
        Assert.Contains("Lock bob?", cut.Markup, StringComparison.Ordinal);
        cut.Find("[data-testid=confirm-yes]").Click();

        Assert.Equal([("bob", true)], _admin.LockChanges);
        cut.WaitForAssertion(() => Assert.Contains("(locked)", cut.Find("[data-testid=user-row-bob]").TextContent, StringComparison.Ordinal), Timeout);

        cut.Find("[data-testid=user-row-bob] [data-testid=user-unlock]").Click();

        Assert.Equal([("bob", true), ("bob", false)], _admin.LockChanges);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=user-row-bob] [data-testid=user-lock]")), Timeout);
        Assert.DoesNotContain("(locked)", cut.Find("[data-testid=user-row-bob]").TextContent, StringComparison.Ordinal);
    }
}
