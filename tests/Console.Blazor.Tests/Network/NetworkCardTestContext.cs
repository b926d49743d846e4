using Bunit;
using Ccdsvm.Console.Blazor.Components.Network;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Console.Blazor.Tests.Network;

/// <summary>The Network card of unit u1 after a net.inventory that read lo and eth0 (10.0.0.5/24, MTU 1500): the tests of its change form start here.</summary>
public abstract class NetworkCardTestContext : ConsoleTestContext
{
    protected static readonly NetInventoryResult Reading = new(
    [
        new NetInterface("lo", "unknown", "00:00:00:00:00:00", 65536, null, null, null, null, null, null, [new NetAddress("inet", "127.0.0.1", 8, "host")]),
        new NetInterface("eth0", "up", "52:54:00:12:34:56", 1500, null, null, null, null, null, 1000, [new NetAddress("inet", "10.0.0.5", 24, "global")]),
    ], [], [], "runtime");

    protected IRenderedComponent<NetworkCard> RenderRead()
    {
        Tasks.Add(Views.Task(7, TaskKinds.NetInventory, "u1").Ended("succeeded") with { Result = NetInventory.Contract.WriteResultElement(Reading) });
        return Render<NetworkCard>(p => p.Add(x => x.Unit, "u1"));
    }
}
