using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Tests;

public sealed class AclEvaluatorTests
{
    private static readonly string[] NoGroups = [];

    [Fact]
    public void GrantOnParent_IsInheritedByChildPaths()
    {
        var acl = new AclEvaluator([new AclEntry("/units", "alice", "HelpDesk")]);

        Assert.True(acl.Allows("alice", NoGroups, "/units/a/disks/sdb", "Task.fs.list"));
        Assert.False(acl.Allows("alice", NoGroups, "/units/a/disks/sdb", "Task.storage.mkfs"));
        Assert.False(acl.Allows("alice", NoGroups, "/station/acl", "Acl.Manage"));
    }

    [Fact]
    public void NoAccessOnDeeperPath_CancelsInheritedGrant()
    {
        var acl = new AclEvaluator([new AclEntry("/units", "alice", "StorageAdmin"), new AclEntry("/units/secret", "alice", "NoAccess")]);

        Assert.True(acl.Allows("alice", NoGroups, "/units/a", "Task.storage.mkfs"));
        Assert.False(acl.Allows("alice", NoGroups, "/units/secret", "Units.View"));
        Assert.False(acl.Allows("alice", NoGroups, "/units/secret/disks/sdb", "Task.storage.mkfs"));
    }

    [Fact]
    public void UserGrant_BeatsGroupGrantOnTheSamePath()
    {
        var acl = new AclEvaluator([new AclEntry("/units/a", "@storage", "StorageAdmin"), new AclEntry("/units/a", "bob", "HelpDesk")]);

        Assert.False(acl.Allows("bob", ["storage"], "/units/a", "Task.storage.mkfs"));
        Assert.True(acl.Allows("carol", ["storage"], "/units/a", "Task.storage.mkfs"));
    }

    [Fact]
    public void DeeperGroupGrant_BeatsInheritedUserGrant()
    {
        var acl = new AclEvaluator([new AclEntry("/", "dave", "Administrator"), new AclEntry("/units/b", "@helpdesk", "HelpDesk")]);

        Assert.True(acl.Allows("dave", ["helpdesk"], "/units/a", "Task.storage.mkfs"));
        Assert.False(acl.Allows("dave", ["helpdesk"], "/units/b", "Task.storage.mkfs"));
        Assert.True(acl.Allows("dave", ["helpdesk"], "/units/b", "Task.fs.list"));
    }

    [Fact]
    public void NoGrantAnywhere_MeansNoAccess()
    {
        var acl = new AclEvaluator([new AclEntry("/units/a", "alice", "Administrator")]);

        Assert.Empty(acl.RolesFor("eve", NoGroups, "/units/a"));
        Assert.Empty(acl.RolesFor("alice", NoGroups, "/units/b"));
    }

    [Theory]
    [InlineData("Administrator", "Acl.Manage", true)]
    [InlineData("Auditor", "Audit.View", true)]
    [InlineData("Auditor", "Task.fs.write", false)]
    [InlineData("Operator", "Task.storage.mkfs", false)]
    [InlineData("Operator", "Task.storage.inventory", true)]
    [InlineData("StorageAdmin", "Task.storage.partition", true)]
    [InlineData("HelpDesk", "Task.fs.delete", false)]
    [InlineData("NoAccess", "Units.View", false)]
    public void BuiltInRole_AllowsExactlyItsPrivileges(string role, string privilege, bool allowed) =>
        Assert.Equal(allowed, Roles.Find(role)!.Allows(privilege));
}
