using Bunit;
using Ccdsvm.Console.Blazor.Components.Access;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Access;

/// <summary>Revoking a grant can be taken back: "Undo" grants the same role on the same path to the same subject.</summary>
public sealed class GrantsCardUndoTests : ConsoleTestContext
{
    private readonly ScriptedConsoleAdmin _admin;

    public GrantsCardUndoTests()
    {
        _admin = new ScriptedConsoleAdmin(Clock);
        Services.AddSingleton<IConsoleAdmin>(_admin);
        _admin.AclList.Add(new AclEntryView("/units/unit-a", "bob", Roles.HelpDesk.Name, Clock.GetUtcNow().AddDays(-2), "admin"));
        _admin.AclList.Add(new AclEntryView("/units", "@storage", Roles.HelpDesk.Name, Clock.GetUtcNow().AddDays(-2), "admin"));
    }

    private IRenderedComponent<GrantsCard> RevokeBobsGrant()
    {
        var cut = Render<GrantsCard>();
        cut.Find("[data-testid='acl-row-bob-/units/unit-a'] [data-testid=acl-revoke]").Click();
        cut.Find("[data-testid=confirm-yes]").Click();
        return cut;
    }

    [Fact]
    public void Undo_AfterRevoke_GrantsTheSameRoleOnTheSamePathToTheSameUserAgain()
    {
        var cut = RevokeBobsGrant();

        Assert.Equal([("/units/unit-a", "bob", Roles.HelpDesk.Name)], _admin.Revoked);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid='acl-row-bob-/units/unit-a']")), Timeout);
        Assert.Contains("from bob", cut.Find("[data-testid=revoke-undo-bar]").TextContent);

        cut.Find("[data-testid=revoke-undo]").Click();

        Assert.Equal([("/units/unit-a", "bob", Roles.HelpDesk.Name)], _admin.Granted);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid='acl-row-bob-/units/unit-a']")), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=revoke-undo-bar]"));
    }

    [Fact]
    public void Undo_IsNotOffered_WhenTheRevokeWasRefused()
    {
        _admin.RefuseNext = StationError.Forbidden("you may not change the ACL");

        var cut = RevokeBobsGrant();

        Assert.Empty(_admin.Revoked);
        Assert.Empty(cut.FindAll("[data-testid=revoke-undo-bar]"));
        Assert.Single(cut.FindAll("[data-testid='acl-row-bob-/units/unit-a']"));
    }
}
