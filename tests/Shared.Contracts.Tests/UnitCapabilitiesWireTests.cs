using Ccdsvm.Shared.Contracts.Kinds;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>
/// What keeps a unit's network configuration (<see cref="UnitCapabilities.NetworkPersistence"/>) travels with its
/// capabilities over the hub; capabilities from an agent older than the field arrive with it null.
/// </summary>
public sealed class UnitCapabilitiesWireTests
{
    [Fact]
    public void Network_persistence_survives_the_hub()
    {
        var sent = new UnitCapabilities("debian", "12", "x64", [TaskKinds.NetConfigure], ["ip"], NetBackends.Networkd);

        var copy = MessagePackSerializer.Deserialize<UnitCapabilities>(MessagePackSerializer.Serialize(sent));

        Assert.Equal(NetBackends.Networkd, copy.NetworkPersistence);
        Assert.Equal(["ip"], copy.Tools);
    }

    [Fact]
    public void Capabilities_of_an_older_agent_arrive_without_network_persistence()
    {
        byte[] older = MessagePackSerializer.Serialize(new object[] { "debian", "12", "x64", new[] { TaskKinds.FsList }, new[] { "ip" } });

        var copy = MessagePackSerializer.Deserialize<UnitCapabilities>(older);

        Assert.Equal(("debian", "x64"), (copy.OsFamily, copy.Architecture));
        Assert.Null(copy.NetworkPersistence);
    }
}
