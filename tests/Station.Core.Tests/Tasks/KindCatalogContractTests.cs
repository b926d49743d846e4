using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>Every kind the station accepts is one of the shared contracts, read the same way by station, agent, console and CLI.</summary>
public sealed class KindCatalogContractTests
{
    [Fact]
    public void EveryCatalogKind_HasItsSharedContract()
    {
        var catalog = new TaskKindCatalog();
        var without = catalog.All.Where(k => k.Contract is null).Select(k => k.Kind).ToList();
        Assert.True(without.Count == 0, $"kinds without a contract in Shared.Contracts: {string.Join(", ", without)}");
        Assert.Equal(KindContracts.All.Select(c => c.Kind).Order(StringComparer.Ordinal), catalog.All.Select(k => k.Kind).Order(StringComparer.Ordinal));
        foreach (var kind in catalog.All)
        {
            Assert.Equal(kind.Contract!.Privilege, kind.Privilege);
            Assert.Equal(kind.Contract.Stages.Count, kind.StageCount);
        }
    }

    [Fact]
    public void AdministrationKinds_RunAtTheStation_AndNeedTheirAdministrativePrivilege()
    {
        var catalog = new TaskKindCatalog();
        Assert.All(new[] { TaskKinds.AuthUser, TaskKinds.AuthGrant, TaskKinds.AuthEnrol }, k => Assert.True(catalog.TryGet(k, out var d) && d.RunsAtStation, k));
        Assert.True(catalog.TryGet(TaskKinds.AuthUser, out var user) && user.Privilege == Privileges.UsersManage);
        Assert.True(catalog.TryGet(TaskKinds.AuthGrant, out var grant) && grant.Privilege == Privileges.AclManage);
        Assert.True(catalog.TryGet(TaskKinds.AuthEnrol, out var enrol) && enrol.Privilege == Privileges.UnitsEnrol);
    }

    [Fact]
    public void RoleNames_AreTheStationsBuiltInRoles() =>
        Assert.Equal(Roles.BuiltIn.Select(r => r.Name), RoleNames.BuiltIn);

    [Fact]
    public void UserLockPlan_TakesTheAclOnlyForANewAdministrator()
    {
        Assert.True(new TaskKindCatalog().TryGet(TaskKinds.AuthUser, out var user));
        var admin = user.LockPlan(TaskEngine.StationTarget, EngineHarness.Json(new { action = "create", username = "ann", passwordRef = "r", admin = true }));
        Assert.Equal(["/station/users/ann", "/station/acl"], admin.Select(l => l.Resource));
        var group = user.LockPlan(TaskEngine.StationTarget, EngineHarness.Json(new { action = "deleteGroup", group = "ops" }));
        Assert.Equal(["/station/groups/ops"], group.Select(l => l.Resource));
    }
}
