using Ccdsvm.Station.Core;
using System.Text.Json;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Network;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Network;

/// <summary>
/// net.configure on the Network card: the change form checks each field as it is typed and sends the contract's
/// parameters; while the agent waits, "Keep this configuration? N s left" counts down from the task's stage, Keep
/// confirms and Roll back now cancels; the end says how the change ended. Hidden from who may not configure.
/// </summary>
public sealed class NetChangeTests : NetworkCardTestContext
{
    private static TaskView Waiting(long id, int left) =>
        Views.Task(id, TaskKinds.NetConfigure, "u1") with { Stage = $"waiting for confirmation ({left} s left)", StageIndex = 3, StageCount = 3 };

    [Fact]
    public async Task The_form_checks_each_field_as_it_is_typed_and_sends_the_change()
    {
        var cut = RenderRead();
        Assert.True(cut.Find("[data-testid=net-change-apply]").HasAttribute("disabled"));

        cut.Find("[data-testid=net-change-interface]").Change("eth0");
        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.9/33");
        cut.Find("[data-testid=net-change-mtu]").Input("70000");

        Assert.Contains("'10.0.0.9/33' has prefix '33': an IPv4 prefix is 0 to 32", cut.Find("[data-testid=net-change-addresses-error]").TextContent);
        Assert.Equal("MTU must be a whole number from 68 to 65535; got '70000'", cut.Find("[data-testid=net-change-mtu-error]").TextContent);
        Assert.True(cut.Find("[data-testid=net-change-apply]").HasAttribute("disabled"));

        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.9/24");
        cut.Find("[data-testid=net-change-mtu]").Input("9000");
        cut.Find("[data-testid=net-change-vlan]").Input("5000");
        Assert.Contains("VLAN id must be a whole number from 1 to 4094", cut.Find("[data-testid=net-change-vlan-error]").TextContent);
        cut.Find("[data-testid=net-change-vlan]").Input("");
        Assert.Empty(cut.FindAll("[data-testid$=-error]"));
        Assert.False(cut.Find("[data-testid=net-change-apply]").HasAttribute("disabled"));

        await cut.Find("[data-testid=net-change-apply]").ClickAsync(new());

        var sent = Assert.Single(Tasks.Submitted);
        Assert.Equal((TaskKinds.NetConfigure, "u1"), (sent.Kind, sent.Target));
        var p = NetConfigure.Contract.Read(sent.Parameters!.Value);
        var change = Assert.Single(p.Interfaces);
        Assert.Equal(("eth0", 9000, "10.0.0.9/24"), (change.Name, change.Mtu, Assert.Single(change.Addresses!)));
        Assert.Equal((60, NetConfigure.ConfirmManual), (NetConfigure.RollbackOf(p), p.Confirm));
    }

    [Fact]
    public async Task While_the_agent_waits_the_card_counts_down_and_keep_confirms_the_task()
    {
        var cut = RenderRead();
        await Tasks.PublishAsync(Waiting(41, 54));

        cut.WaitForAssertion(() => Assert.Equal("Keep this configuration? 54 s left", cut.Find("[data-testid=net-confirm-question]").TextContent.Trim()), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=net-change-form]"));
        await Tasks.PublishAsync(Waiting(41, 53));
        cut.WaitForAssertion(() => Assert.Equal("Keep this configuration? 53 s left", cut.Find("[data-testid=net-confirm-question]").TextContent.Trim()), Timeout);

        await cut.Find("[data-testid=net-keep]").ClickAsync(new());
        Assert.Equal([41L], Tasks.Confirmed);

        var kept = NetConfigure.Contract.WriteResultElement(new NetConfigureResult(["eth0: mtu 1500 → 9000"], "confirmed by the station 6.0 s after the change", "runtime", false,
            "runtime only: the change lasts until the unit reboots", ["ip link set eth0 mtu 9000"]));
        await Tasks.PublishAsync(Waiting(41, 50).Ended("succeeded") with { Result = kept });

        cut.WaitForAssertion(() => Assert.Contains("Kept: eth0: mtu 1500 → 9000 — confirmed by the station", cut.Find("[data-testid=net-change-outcome]").TextContent), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=net-confirm]"));
    }

    [Fact]
    public async Task Roll_back_now_cancels_the_task_and_a_rollback_by_the_agent_is_said_in_its_words()
    {
        var cut = RenderRead();
        Tasks.Add(Waiting(42, 30));
        await Tasks.PublishAsync(Waiting(42, 30));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=net-rollback]")), Timeout);

        await cut.Find("[data-testid=net-rollback]").ClickAsync(new());

        Assert.Equal([42L], Tasks.Cancelled);
        await Tasks.PublishAsync(Waiting(43, 10).Ended("failed", "rolled back: nobody confirmed within 60 s; the previous network was restored"));
        cut.WaitForAssertion(() => Assert.Equal("rolled back: nobody confirmed within 60 s; the previous network was restored", cut.Find("[data-testid=net-change-outcome]").TextContent.Trim()), Timeout);
    }

    [Fact]
    public void Who_may_not_configure_the_network_gets_no_form()
    {
        Tasks.DeniedKinds.Add(TaskKinds.NetConfigure);

        var cut = RenderRead();

        Assert.NotNull(cut.Find("[data-testid=network-interfaces]"));
        Assert.Empty(cut.FindAll("[data-testid=net-change-form]"));
    }

    [Fact]
    public void The_station_refusal_is_shown_as_the_station_says_it()
    {
        Tasks.OnSubmit = _ => StationError.Conflict("this change removes 10.0.0.5, the address unit 'u1' reaches the station from");
        var cut = RenderRead();
        cut.Find("[data-testid=net-change-interface]").Change("eth0");
        cut.Find("[data-testid=net-change-addresses]").Input("10.0.0.9/24");

        cut.Find("[data-testid=net-change-apply]").Click();

        cut.WaitForAssertion(() => Assert.Contains("reaches the station from", cut.Find("[data-testid=net-change-refused]").TextContent), Timeout);
        Assert.Equal(JsonValueKind.Object, Tasks.Submitted.Single().Parameters!.Value.ValueKind);
    }
}
