using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>net.inventory {}</c> → the unit's network as the kernel has it (<c>ip -j</c>): every interface with its state, MAC,
/// MTU, kind (veth, bridge, vlan, bond…), master and parent, link speed and addresses; the routes of both families; the
/// DNS servers; and which configuration backend persists changes there. Reads only.
/// </summary>
public sealed class NetInventory : KindContract<NetInventoryParameters, NetInventoryResult>
{
    public static readonly NetInventory Contract = new();

    public override string Kind => TaskKinds.NetInventory;
    public override string Title => "Network of the unit";
    public override string Group => KindGroups.Network;
    public override string Action => "Read network";
    public override IReadOnlyList<string> Stages { get; } = ["reading interfaces and routes (ip -j)"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } = [];
}

/// <summary>net.inventory takes no parameters: <c>{}</c>.</summary>
[MessagePackObject(true)]
public sealed record NetInventoryParameters;

/// <param name="Backend">What would keep a change across a reboot: "networkmanager", "systemd-networkd" or "runtime" (nothing does).</param>
[MessagePackObject(true)]
public sealed record NetInventoryResult(
    IReadOnlyList<NetInterface> Interfaces,
    IReadOnlyList<NetRoute> Routes,
    IReadOnlyList<string> DnsServers,
    string Backend);

/// <summary>
/// One interface. <see cref="Kind"/> is the kernel's link kind (null for a physical or loopback link); <see cref="Master"/>
/// the bridge or bond it is a port of; <see cref="Parent"/> the link a VLAN sits on; <see cref="SpeedMbps"/> null where
/// the link reports none.
/// </summary>
[MessagePackObject(true)]
public sealed record NetInterface(
    string Name,
    string State,
    string? Mac,
    int Mtu,
    string? Kind,
    string? Master,
    string? Parent,
    int? VlanId,
    string? BondMode,
    long? SpeedMbps,
    IReadOnlyList<NetAddress> Addresses);

/// <summary>
/// An address with its prefix length: family "inet" or "inet6", scope "global", "link" or "host". <paramref name="Dynamic"/>:
/// a lease (DHCP, router advertisement: the kernel holds it for a limited time), not an address configured to stay.
/// </summary>
[MessagePackObject(true)]
public sealed record NetAddress(string Family, string Address, int Prefix, string Scope, bool? Dynamic = null);

/// <summary>A route: destination "default" or a prefix such as 10.1.0.0/16, through a gateway or directly on a device.</summary>
[MessagePackObject(true)]
public sealed record NetRoute(string Family, string Destination, string? Gateway, string? Device, string? Protocol, int? Metric);
