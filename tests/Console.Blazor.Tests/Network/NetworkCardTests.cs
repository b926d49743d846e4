using Bunit;
using Ccdsvm.Console.Blazor.Components.Network;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Network;

/// <summary>The Network card of a unit's page: the last reading shown, a new one run as a task with live progress, and no button for who may not.</summary>
public sealed class NetworkCardTests : ConsoleTestContext
{
    private static NetInventoryResult Reading(string address) => new(
    [
        new NetInterface("lo", "unknown", "00:00:00:00:00:00", 65536, null, null, null, null, null, null, [new NetAddress("inet", "127.0.0.1", 8, "host")]),
        new NetInterface("eth0", "up", "52:54:00:12:34:56", 1500, null, null, null, null, null, 1000, [new NetAddress("inet", address, 24, "global")]),
        new NetInterface("v1", "down", "aa:bb:cc:dd:ee:01", 1400, "veth", "br0", null, null, null, null, []),
    ], [new NetRoute("inet", "default", "10.0.0.1", "eth0", "static", 100)], ["10.0.0.53"], "systemd-networkd");

    private static TaskView Succeeded(long id, NetInventoryResult result) =>
        Views.Task(id, TaskKinds.NetInventory, "u1", "running").Ended("succeeded") with { Result = NetInventory.Contract.WriteResultElement(result) };

    [Fact]
    public async Task Read_network_runs_the_task_shows_its_progress_then_the_interfaces_routes_and_dns()
    {
        var cut = Render<NetworkCard>(p => p.Add(x => x.Unit, "u1"));
        Assert.Contains("Not read yet", cut.Find("[data-testid=network-none]").TextContent);

        await cut.Find("[data-testid=network-read]").ClickAsync(new());
        var submitted = Assert.Single(Tasks.Submitted);
        Assert.Equal((TaskKinds.NetInventory, "u1"), (submitted.Kind, submitted.Target));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=network-progress]")), Timeout);
        Assert.True(cut.Find("[data-testid=network-read]").HasAttribute("disabled"));

        long id = Tasks.List(new TaskQuery(Kind: TaskKinds.NetInventory)).Single().Id;
        await Tasks.PublishAsync(Succeeded(id, Reading("10.0.0.5")));

        cut.WaitForAssertion(() => Assert.Contains("10.0.0.5/24", cut.Find("[data-testid=network-if-eth0]").TextContent), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=network-progress]"));
        Assert.Contains("1000 Mbit/s", cut.Find("[data-testid=network-if-eth0]").TextContent);
        Assert.Contains("loopback", cut.Find("[data-testid=network-if-lo]").TextContent);
        Assert.Contains("veth, port of br0", cut.Find("[data-testid=network-if-v1]").TextContent);
        Assert.Contains("default via 10.0.0.1 on eth0", cut.Find("[data-testid=network-routes]").TextContent);
        Assert.Contains("10.0.0.53", cut.Find("[data-testid=network-dns]").TextContent);
        Assert.Contains("systemd-networkd", cut.Find("[data-testid=network-dns]").TextContent);
    }

    [Fact]
    public void The_last_successful_reading_of_this_unit_is_shown_at_once_and_another_units_is_not()
    {
        Tasks.Add(Succeeded(7, Reading("10.0.0.7")));
        Tasks.Add(Views.Task(8, TaskKinds.NetInventory, "u2", "running").Ended("succeeded") with { Result = NetInventory.Contract.WriteResultElement(Reading("10.9.9.9")) });

        var cut = Render<NetworkCard>(p => p.Add(x => x.Unit, "u1"));

        Assert.Contains("10.0.0.7/24", cut.Find("[data-testid=network-if-eth0]").TextContent);
        Assert.DoesNotContain("10.9.9.9", cut.Markup);
    }

    [Fact]
    public async Task A_failed_reading_says_why_and_keeps_the_previous_one()
    {
        Tasks.Add(Succeeded(7, Reading("10.0.0.7")));
        var cut = Render<NetworkCard>(p => p.Add(x => x.Unit, "u1"));

        await Tasks.PublishAsync(Views.Task(9, TaskKinds.NetInventory, "u1").Ended("failed", "'ip' could not be started; is it installed on this unit?"));

        cut.WaitForAssertion(() => Assert.Contains("is it installed", cut.Find("[data-testid=network-error]").TextContent), Timeout);
        Assert.Contains("10.0.0.7/24", cut.Find("[data-testid=network-if-eth0]").TextContent);
    }

    [Fact]
    public void Who_may_not_run_net_inventory_there_sees_no_button()
    {
        Tasks.DeniedKinds.Add(TaskKinds.NetInventory);
        var cut = Render<NetworkCard>(p => p.Add(x => x.Unit, "u1"));
        Assert.Empty(cut.FindAll("[data-testid=network-read]"));
        Assert.Equal("Not read yet.", cut.Find("[data-testid=network-none]").TextContent.Trim());
    }
}
