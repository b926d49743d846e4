using Ccdsvm.TestSupport;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// net.inventory's reader against the real kernel, in a network namespace this test makes (never the host's real
/// interfaces): a veth pair with an address, MTU and a route, one end a port of a bridge. The namespace goes at the end,
/// whatever happens.
/// </summary>
public sealed class NetReaderTests : IAsyncLifetime
{
    private readonly string _ns = "ccdsvm-t-" + Guid.NewGuid().ToString("N")[..8];
    private bool _made;

    public async Task InitializeAsync()
    {
        Needs.Root("it makes a network namespace with veth and bridge links (ip netns add)");
        Needs.Tools(["ip"]);
        await Ip("netns", "add", _ns);
        _made = true;
        foreach (var command in new[]
        {
            "link add v0 type veth peer name v1",
            "link add br0 type bridge",
            "link set v1 master br0",
            "addr add 10.77.0.1/24 dev v0",
            "link set v0 mtu 1400",
            "link set v0 up",
            "link set v1 up",
            "link set br0 up",
            "route add 10.88.0.0/16 via 10.77.0.2 dev v0",
        })
            await Ip(["-n", _ns, .. command.Split(' ')]);
    }

    private static async Task Ip(params string[] args)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await ProcessRunner.RunAsync("ip", args, cts.Token);
        if (output.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {output.StdErr}");
    }

    [Fact]
    public async Task Reads_the_veth_pair_the_bridge_the_address_the_mtu_and_the_route_of_the_namespace()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var inventory = await new NetReader(_ns).ReadAsync(null, cts.Token);

        var byName = inventory.Interfaces.ToDictionary(i => i.Name);
        Assert.Equal(["br0", "lo", "v0", "v1"], byName.Keys.Order(StringComparer.Ordinal));
        var v0 = byName["v0"];
        Assert.Equal("veth", v0.Kind);
        Assert.Equal(1400, v0.Mtu);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", v0.Mac);
        Assert.Contains(v0.Addresses, a => a is { Family: "inet", Address: "10.77.0.1", Prefix: 24, Scope: "global" });
        Assert.Equal("br0", byName["v1"].Master);
        Assert.Equal("bridge", byName["br0"].Kind);
        Assert.Null(byName["v1"].Parent);
        Assert.Contains(inventory.Routes, r => r is { Family: "inet", Destination: "10.88.0.0/16", Gateway: "10.77.0.2", Device: "v0" });
        Assert.Contains(inventory.Routes, r => r is { Family: "inet", Destination: "10.77.0.0/24", Device: "v0", Protocol: "kernel" });
    }

    [Fact]
    public void Parses_vlan_and_bond_details_and_missing_fields_without_failing()
    {
        // What ip -j -d prints for links this kernel cannot make here (8021q and bonding are modules).
        const string json = """
            [{"ifname":"eth0.42","operstate":"UP","mtu":1500,"address":"52:54:00:00:00:01","link":"eth0",
              "linkinfo":{"info_kind":"vlan","info_data":{"protocol":"802.1Q","id":42}},"addr_info":[]},
             {"ifname":"bond0","operstate":"DOWN","mtu":9000,"linkinfo":{"info_kind":"bond","info_data":{"mode":"active-backup"}}},
             {"mtu":1500},
             {"ifname":"odd","addr_info":[{"family":"inet"}]}]
            """;
        var parsed = NetReader.ParseInterfaces(json, _ => null);

        Assert.Equal(["eth0.42", "bond0", "odd"], parsed.Select(i => i.Name));
        Assert.Equal(("vlan", 42, "eth0"), (parsed[0].Kind, parsed[0].VlanId, parsed[0].Parent));
        Assert.Equal(("bond", "active-backup", 9000, "down"), (parsed[1].Kind, parsed[1].BondMode, parsed[1].Mtu, parsed[1].State));
        Assert.Empty(parsed[2].Addresses);
        Assert.Equal("unknown", parsed[2].State);
    }

    [Fact]
    public void Reads_nameservers_from_resolv_conf()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# comment\nsearch example.org\nnameserver 10.0.0.53\nnameserver\tfd00::53\noptions edns0\n");
            Assert.Equal(["10.0.0.53", "fd00::53"], NetReader.DnsServers(file));
            Assert.Empty(NetReader.DnsServers(file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async Task DisposeAsync()
    {
        if (_made) await Ip("netns", "delete", _ns).ConfigureAwait(false);
    }
}
