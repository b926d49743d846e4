using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests.Kinds;

/// <summary>net.configure's contract: the JSON scripts send, what it touches, and the refusals that need no machine, in words.</summary>
public sealed class NetConfigureContractTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void A_full_change_reads_and_names_every_interface_it_touches()
    {
        const string json = """
            {"interfaces":[{"name":"eth0","addresses":["10.0.0.2/24","2001:db8::2/64"],"gateway":"10.0.0.1","routes":[{"destination":"10.1.0.0/16","gateway":"10.0.0.9"}],"mtu":9000,"state":"up"},
                           {"name":"eth0.42","vlan":{"parent":"eth0","id":42}},
                           {"name":"bond0","bond":{"mode":"active-backup","links":["eth1","eth2"]}},
                           {"name":"br0","bridge":{"ports":["eth3"]}},
                           {"name":"old0","delete":true}],
             "dns":["192.0.2.53","2001:db8::53"],"rollbackSeconds":120,"confirm":"auto","cutsOffUnit":true}
            """;
        var p = NetConfigure.Contract.Read(J(json));

        Assert.Equal(["eth0", "eth0.42", "bond0", "eth1", "eth2", "br0", "eth3", "old0"], NetConfigure.Touched(p));
        Assert.Equal((120, true, true), (NetConfigure.RollbackOf(p), NetConfigure.IsAuto(p), p.CutsOffUnit == true));
        Assert.Equal(new NetVlanSpec("eth0", 42), p.Interfaces[1].Vlan);
        Assert.Equal(60, NetConfigure.RollbackOf(NetConfigure.Contract.Read(J("""{"interfaces":[{"name":"eth0","mtu":1500}]}"""))));
        Assert.Equal("eth0, eth0.42, bond0, br0, old0", NetConfigure.Contract.Subject(J(json)));
    }

    [Theory]
    [InlineData("""{"interfaces":[{"name":"eth0","addresses":["10.0.0.1/33"]}]}""", "eth0: address '10.0.0.1/33' has prefix '33': an IPv4 prefix is 0 to 32 (e.g. 10.0.0.2/24)")]
    [InlineData("""{"interfaces":[{"name":"eth0","addresses":["2001:db8::1/129"]}]}""", "an IPv6 prefix is 0 to 128")]
    [InlineData("""{"interfaces":[{"name":"eth0","addresses":["10.0.0.1"]}]}""", "'10.0.0.1' has no prefix length: write it as address/prefix, e.g. 10.0.0.2/24")]
    [InlineData("""{"interfaces":[{"name":"eth0","addresses":["10.0.1/24"]}]}""", "'10.0.1' in '10.0.1/24' is not an IPv4 or IPv6 address")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":70000}]}""", "parameter 'interfaces[0].mtu' must be at most 65535")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":67}]}""", "parameter 'interfaces[0].mtu' must be at least 68")]
    [InlineData("""{"interfaces":[{"name":"eth 0","mtu":1500}]}""", "interfaces[0].name 'eth 0' is not an interface name: 1 to 15 letters, digits")]
    [InlineData("""{"interfaces":[{"name":"../x","mtu":1500}]}""", "is not an interface name")]
    [InlineData("""{"interfaces":[{"name":"averyveryverylongname","mtu":1500}]}""", "parameter 'interfaces[0].name' is longer than 15 characters")]
    [InlineData("""{"interfaces":[{"name":"eth0.5000","vlan":{"parent":"eth0","id":5000}}]}""", "parameter 'interfaces[0].vlan.id' must be at most 4094")]
    [InlineData("""{"interfaces":[{"name":"bond0","bond":{"mode":"fastest","links":["eth1"]}}]}""", "parameter 'interfaces[0].bond.mode' must be one of balance-rr, active-backup")]
    [InlineData("""{"interfaces":[{"name":"br0","bridge":{},"vlan":{"parent":"eth0","id":5}}]}""", "br0: create one kind of interface at a time (vlan, bond or bridge)")]
    [InlineData("""{"interfaces":[{"name":"br0","delete":true,"mtu":1500}]}""", "br0: delete takes nothing else")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500},{"name":"eth0","state":"down"}]}""", "interface 'eth0' is named twice")]
    [InlineData("""{"interfaces":[{"name":"eth0","gateway":"10.0.0"}]}""", "eth0: gateway '10.0.0' is not an IP address")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500}],"dns":["dns.example"]}""", "DNS server 'dns.example' is not an IP address")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500}],"rollbackSeconds":5}""", "parameter 'rollbackSeconds' must be at least 10")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500}],"rollbackSeconds":601}""", "parameter 'rollbackSeconds' must be at most 600")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500}],"confirm":"later"}""", "parameter 'confirm' must be one of manual, auto")]
    [InlineData("""{"interfaces":[]}""", "parameter 'interfaces' needs at least 1 item")]
    public void Bad_input_is_refused_in_words_a_person_can_act_on(string json, string expected)
    {
        var problem = NetConfigure.Contract.Check(J(json));

        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("")]
    [InlineData("eth0/../lo")]
    [InlineData(10_000)]
    public void A_name_that_is_no_interface_is_refused_before_anything_reaches_a_unit(object name)
    {
        string text = name is int length ? new string('e', length) : (string)name;
        var problem = NetConfigure.Contract.Check(J($$"""{"interfaces":[{"name":"{{text}}","mtu":1500}]}"""));

        Assert.NotNull(problem);
        Assert.Contains("interfaces[0].name", problem, StringComparison.Ordinal);
        Assert.True(problem.Length < 400, $"the refusal repeats the value: {problem.Length} characters");
    }

    [Fact]
    public void The_result_writes_every_field()
    {
        var written = NetConfigure.Contract.WriteResult(new NetConfigureResult(["eth0: mtu 1500 → 9000"], "confirmed by the station 2.0 s after the change", NetBackends.Networkd, true,
            "kept across reboots by systemd-networkd: /etc/systemd/network/50-ccdsvm-eth0.network", ["ip link set eth0 mtu 9000"],
            [new NetSaved("eth0", "/etc/systemd/network/50-ccdsvm-eth0.network", ["MTUBytes=9000"])]));

        Assert.Equal("""{"diff":["eth0: mtu 1500 \u2192 9000"],"confirmation":"confirmed by the station 2.0 s after the change","backend":"systemd-networkd","persisted":true,"persistence":"kept across reboots by systemd-networkd: /etc/systemd/network/50-ccdsvm-eth0.network","commands":["ip link set eth0 mtu 9000"],"saved":[{"interface":"eth0","where":"/etc/systemd/network/50-ccdsvm-eth0.network","settings":["MTUBytes=9000"],"removed":false}]}""", written);
        Assert.Equal(written, NetConfigure.Contract.WriteResult(NetConfigure.Contract.ReadResult(written)!));
    }
}
