using Bunit;
using Ccdsvm.Console.Blazor.Components.Network;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Network;

/// <summary>
/// The Network card's change form against the running state: the diff (- removed / + added, in words) follows what is
/// typed; an address another unit carries is warned of, naming the unit and interface, without blocking Apply; a
/// change can be staged, is listed on the card with its diff, and is applied with one click or discarded.
/// </summary>
public sealed class NetDiffAndStagingTests : NetworkCardTestContext
{
    private static List<(string Kind, string Text)> Lines(IRenderedComponent<NetworkCard> cut, string within) =>
        [.. cut.FindAll($"[data-testid={within}] [data-testid^=net-diff-line-]").Select(l => (l.GetAttribute("data-kind")!, l.TextContent.Trim()))];

    [Fact]
    public void The_diff_against_the_running_state_follows_what_is_typed()
    {
        var cut = RenderRead();
        Assert.Empty(cut.FindAll("[data-testid=net-diff]"));

        cut.Find("[data-testid=net-change-interface]").Change("eth0");
        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.9/24");

        Assert.Equal([("removed", "- removed: eth0 address 10.0.0.5/24"), ("added", "+ added: eth0 address 10.0.0.9/24")], Lines(cut, "net-diff"));

        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.5/24, 10.0.0.9/24");
        cut.Find("[data-testid=net-change-mtu]").Input("9000");

        Assert.Equal([("unchanged", "unchanged: eth0 address 10.0.0.5/24"), ("added", "+ added: eth0 address 10.0.0.9/24"),
            ("removed", "- removed: eth0 mtu 1500"), ("added", "+ added: eth0 mtu 9000")], Lines(cut, "net-diff"));
        Assert.Contains("net-diff-removed", cut.Find("[data-testid=net-diff] [data-kind=removed]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_another_unit_carries_is_warned_of_as_it_is_typed_and_does_not_block_apply()
    {
        Network.Addresses.Add(new FleetAddress("u2", "db-2", "eth1", "10.0.0.7"));
        Network.Addresses.Add(new FleetAddress("u1", "u1", "eth0", "10.0.0.5"));
        var cut = RenderRead();
        cut.Find("[data-testid=net-change-interface]").Change("eth0");

        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.5/24");
        Assert.Empty(cut.FindAll("[data-testid=net-dup-warning]"));
        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.5/24 10.0.0.7/16");

        Assert.Contains("10.0.0.7 is already on unit 'db-2' (u2), interface eth1", cut.Find("[data-testid=net-dup-warning]").TextContent, StringComparison.Ordinal);
        Assert.False(cut.Find("[data-testid=net-change-apply]").HasAttribute("disabled"));
        Assert.Equal(1, Network.Reads);

        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.5/24 10.0.0.8/16");
        Assert.Empty(cut.FindAll("[data-testid=net-dup-warning]"));
        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.7/24");
        await cut.Find("[data-testid=net-change-apply]").ClickAsync(new());

        var sent = Assert.Single(Tasks.Submitted);
        Assert.Equal("10.0.0.7/24", Assert.Single(NetConfigure.Contract.Read(sent.Parameters!.Value).Interfaces[0].Addresses!));
    }

    [Fact]
    public async Task A_staged_change_is_listed_with_its_diff_and_applied_with_one_click_or_discarded()
    {
        var cut = RenderRead();
        cut.Find("[data-testid=net-change-interface]").Change("eth0");
        cut.Find("[data-testid=net-change-mtu]").Input("9000");
        await cut.Find("[data-testid=net-change-stage]").ClickAsync(new());
        cut.Find("[data-testid=net-change-interface]").Change("eth0");
        cut.Find("[data-testid=net-change-state]").Change("down");
        await cut.Find("[data-testid=net-change-stage]").ClickAsync(new());

        Assert.Empty(Tasks.Submitted);
        Assert.Equal(2, cut.FindAll("[data-testid=net-staged] [data-testid^=net-staged-apply-]").Count);
        Assert.Equal([("removed", "- removed: eth0 mtu 1500"), ("added", "+ added: eth0 mtu 9000")], Lines(cut, "net-staged-diff-1"));
        Assert.Equal([("removed", "- removed: eth0 state up"), ("added", "+ added: eth0 state down")], Lines(cut, "net-staged-diff-2"));

        await cut.Find("[data-testid=net-staged-apply-1]").ClickAsync(new());

        var sent = Assert.Single(Tasks.Submitted);
        Assert.Equal((TaskKinds.NetConfigure, "u1", 9000), (sent.Kind, sent.Target, NetConfigure.Contract.Read(sent.Parameters!.Value).Interfaces[0].Mtu));
        Assert.Empty(cut.FindAll("[data-testid=net-staged-1]"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=net-change-progress]")), Timeout);

        await cut.Find("[data-testid=net-staged-discard-2]").ClickAsync(new());

        Assert.Empty(cut.FindAll("[data-testid=net-staged]"));
        Assert.Empty(Network.Staged("u1"));
        Assert.Single(Tasks.Submitted);
    }

    [Fact]
    public async Task A_change_staged_or_discarded_in_another_console_shows_on_the_open_card_at_once()
    {
        var cut = RenderRead();
        Assert.Empty(cut.FindAll("[data-testid=net-staged]"));
        Assert.Equal(1, Network.Watchers("u1"));

        var other = Network.StageAs("bob", "u1", new NetConfigureParameters([new NetInterfaceChange("eth0", Mtu: 9000)]));
        cut.WaitForAssertion(() => Assert.Contains("staged by bob", cut.Find($"[data-testid=net-staged-{other.Id}]").TextContent), Timeout);
        Assert.Equal([("removed", "- removed: eth0 mtu 1500"), ("added", "+ added: eth0 mtu 9000")], Lines(cut, $"net-staged-diff-{other.Id}"));

        // Another unit's change is not this card's.
        Network.StageAs("bob", "u2", new NetConfigureParameters([new NetInterfaceChange("eth0", Mtu: 9000)]));
        Assert.Single(cut.FindAll("[data-testid^=net-staged-apply-]"));

        Assert.True(Network.DiscardStaged(other.Id).Ok);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=net-staged]")), Timeout);

        await DisposeComponentsAsync().WaitAsync(Timeout);
        Assert.Equal(0, Network.Watchers("u1"));
    }
}
