using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>The policy a unit announces, read by forms with the unit's own rules, and the names kinds are offered under.</summary>
public sealed class UnitPolicyTests
{
    private static readonly UnitPolicy Policy = new("/mnt/ccdsvm", ["/dev/loop*", "/dev/sd?"], ["process.signal"]);

    [Theory]
    [InlineData("/dev/loop3", null, true)]
    [InlineData("/dev/sdb", null, true)]
    [InlineData("/dev/sdb1", "/dev/sdb", true)]
    [InlineData("/dev/sdb1", null, false)]
    [InlineData("/dev/vda", null, false)]
    [InlineData("/dev/loop/3", null, false)]
    public void DeviceGlobs_MatchWithinOnePathComponent_AndAPartitionGoesWithItsDisk(string device, string? disk, bool allowed) =>
        Assert.Equal(allowed, Policy.DeviceRefusal(device, disk) is null);

    [Fact]
    public void NoDevices_MeansNone_AndTheRefusalSaysWhichSetting()
    {
        var none = Policy with { Devices = [] };
        Assert.Equal("this unit allows no devices for storage work (Agent:Devices is empty)", none.DeviceRefusal("/dev/loop3", null));
        Assert.Equal("/dev/vda is not in this unit's device allow-list (Agent:Devices: /dev/loop*, /dev/sd?)", Policy.DeviceRefusal("/dev/vda", null));
    }

    [Theory]
    [InlineData("/mnt/ccdsvm/data", true)]
    [InlineData("/mnt/ccdsvm", false)]
    [InlineData("/mnt/ccdsvm/", false)]
    [InlineData("/mnt/ccdsvmx/data", false)]
    [InlineData("/etc/x", false)]
    public void MountPoints_LieBelowTheMountRoot(string path, bool allowed) => Assert.Equal(allowed, Policy.MountPointRefusal(path) is null);

    [Fact]
    public void DeniedKinds_AreRefusedByName()
    {
        Assert.Equal("this unit refuses process.signal tasks (Agent:DenyKinds)", Policy.KindRefusal("process.signal"));
        Assert.Null(Policy.KindRefusal("fs.list"));
    }

    [Fact]
    public void Inventory_CarriesThePolicy_OverMessagePack()
    {
        var inventory = new UnitInventory("a", "a", "h", "Debian", "6.1", 2, 1L << 30, [], [], ["/srv"], "1", null, Policy: Policy);
        var back = MessagePackSerializer.Deserialize<UnitInventory>(MessagePackSerializer.Serialize(inventory));
        Assert.Equal("/mnt/ccdsvm", back.Policy!.MountRoot);
        Assert.Equal(Policy.Devices, back.Policy.Devices);
        Assert.Equal(Policy.DenyKinds, back.Policy.DenyKinds);
    }

    [Fact]
    public void EveryKind_HasAKnownGroupAndItsOwnHumanName()
    {
        foreach (var k in KindContracts.All)
        {
            Assert.Contains(k.Group, KindGroups.Ordered);
            Assert.False(string.IsNullOrWhiteSpace(k.Action), k.Kind);
            Assert.DoesNotContain('.', k.Action);
        }
        Assert.Equal(KindContracts.All.Count, KindContracts.All.Select(k => k.Action).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(KindGroups.Ordered, KindGroups.Of(KindContracts.All).Select(g => g.Key));
    }
}
