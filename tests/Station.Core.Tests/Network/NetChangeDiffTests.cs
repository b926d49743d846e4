using Ccdsvm.Station.Core.Network;

namespace Ccdsvm.Station.Core.Tests.Network;

/// <summary>
/// The diff of a net.configure change against the unit's running network, as the agent applies it: addresses replace
/// the global ones (what stays is shown as unchanged), MTU and state change, a gateway or route replaces the route to
/// the same destination, DNS servers replace the unit's, a delete removes the interface and its addresses.
/// </summary>
public sealed class NetChangeDiffTests
{
    private static readonly NetInventoryResult Running = new(
    [
        new NetInterface("lo", "unknown", null, 65536, null, null, null, null, null, null, [new NetAddress("inet", "127.0.0.1", 8, "host")]),
        new NetInterface("eth0", "up", "52:54:00:12:34:56", 1500, null, null, null, null, null, 1000,
            [new NetAddress("inet", "10.0.0.5", 24, "global"), new NetAddress("inet6", "2001:db8::5", 64, "global"), new NetAddress("inet6", "fe80::1", 64, "link")]),
        new NetInterface("eth0.42", "up", null, 1500, "vlan", null, "eth0", 42, null, null, [new NetAddress("inet", "192.0.2.1", 24, "global")]),
    ],
    [
        new NetRoute("inet", "default", "10.0.0.1", "eth0", "static", null),
        new NetRoute("inet", "10.0.0.0/24", null, "eth0", "kernel", null),
    ], ["192.0.2.53"], "runtime");

    private static List<string> Texts(NetConfigureParameters p, NetInventoryResult? running = null) =>
        [.. NetChangeDiff.Compute(running ?? Running, p).Select(l => l.Text)];

    [Fact]
    public void Addresses_replace_the_global_ones_the_link_local_stays_out_and_an_address_in_another_spelling_is_the_same()
    {
        var lines = Texts(new([new NetInterfaceChange("eth0", ["10.0.0.9/24", "2001:DB8:0::5/64"])]));

        Assert.Equal(["- removed: eth0 address 10.0.0.5/24", "  unchanged: eth0 address 2001:db8::5/64", "+ added: eth0 address 10.0.0.9/24"], lines);
    }

    [Fact]
    public void Mtu_and_state_show_the_running_value_removed_and_the_new_one_added_and_nothing_when_they_do_not_change()
    {
        Assert.Equal(["- removed: eth0 mtu 1500", "+ added: eth0 mtu 9000", "- removed: eth0 state up", "+ added: eth0 state down"],
            Texts(new([new NetInterfaceChange("eth0", Mtu: 9000, State: "down")])));
        Assert.Empty(Texts(new([new NetInterfaceChange("eth0", Mtu: 1500, State: "up")])));
        Assert.Empty(Texts(new([new NetInterfaceChange("lo", State: "up")])));
    }

    [Fact]
    public void A_gateway_replaces_the_default_route_a_new_route_is_added_and_the_same_route_is_unchanged()
    {
        var lines = Texts(new([new NetInterfaceChange("eth0", Gateway: "10.0.0.254",
            Routes: [new NetRouteChange("10.1.0.0/16", "10.0.0.1"), new NetRouteChange("10.0.0.0/24")])]));

        Assert.Equal(["- removed: eth0 gateway 10.0.0.1", "+ added: eth0 gateway 10.0.0.254", "+ added: eth0 route 10.1.0.0/16 via 10.0.0.1",
            "  unchanged: eth0 route 10.0.0.0/24"], lines);
    }

    [Fact]
    public void Dns_servers_replace_the_units_and_come_last()
    {
        var lines = NetChangeDiff.Compute(Running, new([new NetInterfaceChange("eth0", Mtu: 1400)], Dns: ["192.0.2.54"]));

        Assert.Equal([(NetDiffKind.Removed, "mtu"), (NetDiffKind.Added, "mtu"), (NetDiffKind.Removed, "dns"), (NetDiffKind.Added, "dns")], lines.Select(l => (l.Kind, l.Field)));
        Assert.Equal("- removed: dns 192.0.2.53", lines[2].Text);
        Assert.Equal("+ added: dns 192.0.2.54", lines[3].Text);
    }

    [Fact]
    public void A_delete_removes_the_interface_and_its_addresses_a_creation_adds_it()
    {
        Assert.Equal(["- removed: eth0.42 interface (vlan)", "- removed: eth0.42 address 192.0.2.1/24"], Texts(new([new NetInterfaceChange("eth0.42", Delete: true)])));
        Assert.Equal(["+ added: eth0.7 interface (VLAN 7 on eth0)", "+ added: eth0.7 address 198.51.100.2/24", "+ added: eth0.7 mtu 1400"],
            Texts(new([new NetInterfaceChange("eth0.7", ["198.51.100.2/24"], Mtu: 1400, Vlan: new NetVlanSpec("eth0", 7))])));
        Assert.Equal(["+ added: br0 interface (bridge of eth1, eth2)"], Texts(new([new NetInterfaceChange("br0", Bridge: new NetBridgeSpec(["eth1", "eth2"]))])));
    }

    [Fact]
    public void Without_a_reading_everything_the_change_sets_is_added()
    {
        var lines = NetChangeDiff.Compute(null, new([new NetInterfaceChange("eth0", ["10.0.0.9/24"], Mtu: 9000, State: "up")]));

        Assert.All(lines, l => Assert.Equal(NetDiffKind.Added, l.Kind));
        Assert.Equal(["+ added: eth0 address 10.0.0.9/24", "+ added: eth0 mtu 9000", "+ added: eth0 state up"], lines.Select(l => l.Text));
    }
}
