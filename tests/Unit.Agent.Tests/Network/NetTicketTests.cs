using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Network;
using Ccdsvm.Unit.Agent.Security;
using Ccdsvm.Unit.Agent.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests.Network;

/// <summary>
/// The unit changes only the interfaces its signed ticket names (<see cref="TicketInterfaces"/>, checked by the
/// <see cref="OrderGuard"/>): an order signed by the station whose ticket names eth-a but whose parameters change
/// eth-b is refused naming eth-b, and eth-b is as it was. The order path is the connection's (the guard, then the
/// executor only when the guard lets the order through), with the executor working in the test's own network
/// namespace; the same path with a ticket that names eth-b does change it, so "unchanged" proves the refusal.
/// </summary>
public sealed class NetTicketTests : IAsyncLifetime, IDisposable
{
    private const string Unit = "u-net";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private static long _ids = 7000;
    private readonly ECDsa _station = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly LoopMapper _loops;
    private readonly OrderGuard _guard;
    private readonly NetConfirmations _confirmations = new() { StationLinked = true };
    private NetNamespace _ns = null!;

    public NetTicketTests()
    {
        var options = Options.Create(new AgentOptions { Name = Unit });
        var credentials = new AgentCredentials(new Enrolled(new AgentIdentity(Unit, "credential", TicketSigning.ExportPublicKey(_station))));
        credentials.ObtainAsync(CancellationToken.None).GetAwaiter().GetResult();
        _loops = new LoopMapper(options, NullLogger<LoopMapper>.Instance);
        _guard = new OrderGuard(credentials, options, new PathGuard([]), new DevicePolicy(options, _loops), NullLogger<OrderGuard>.Instance);
    }

    public async Task InitializeAsync()
    {
        _ns = await NetNamespace.MakeAsync();
        await _ns.IpAsync("link add eth-a type veth peer name eth-b");
        await _ns.IpAsync("link set eth-b up");
    }

    public async Task DisposeAsync() => await _ns.DisposeAsync();

    public void Dispose()
    {
        _station.Dispose();
        _loops.Dispose();
    }

    private TaskOrder Order(string parameters, params string[] interfaces)
    {
        long id = Interlocked.Increment(ref _ids);
        var now = DateTimeOffset.UtcNow;
        var ticket = new TaskTicket("alice", [], id, TaskKinds.NetConfigure, Unit, [.. interfaces.Select(i => ResourcePath.Interface(Unit, i))],
            now.AddSeconds(-1), now.AddMinutes(1), Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(parameters));
        return new TaskOrder(id, TaskKinds.NetConfigure, parameters, "alice", now, TicketSigning.Sign(ticket, _station));
    }

    /// <summary>What the agent's connection does with an order: the guard's refusal, or the executor's run (here in the namespace).</summary>
    private async Task<(string? Refusal, NetConfigureResult? Result)> ReceiveAsync(TaskOrder order)
    {
        if (_guard.Refusal(order) is { } refusal) return (refusal, null);
        var context = new TaskContext(order.TaskId, order.Kind, _ => Task.CompletedTask);
        using var doc = JsonDocument.Parse(order.ParametersJson);
        var result = await new NetConfigureExecutor(_confirmations, _ns.Host).ExecuteAsync(doc.RootElement.Clone(), context, CancellationToken.None).WaitAsync(Limit);
        return (null, NetConfigure.Contract.ReadResult((JsonElement)result!));
    }

    private async Task<NetInterface> EthB() => (await _ns.ReadAsync()).Interfaces.Single(i => i.Name == "eth-b");

    private const string ChangeEthB = """{"interfaces":[{"name":"eth-b","mtu":1400,"addresses":["10.91.0.2/24"]}],"confirm":"auto","rollbackSeconds":10}""";

    [Fact]
    public async Task An_order_whose_ticket_names_eth_a_but_whose_parameters_change_eth_b_is_refused_naming_eth_b_and_nothing_changes()
    {
        var (refusal, result) = await ReceiveAsync(Order(ChangeEthB, "eth-a"));

        Assert.Null(result);
        Assert.NotNull(refusal);
        Assert.StartsWith(UnitRefusal.Prefix, refusal, StringComparison.Ordinal);
        Assert.Contains($"the order changes interface 'eth-b', which its ticket does not name ({ResourcePath.Interface(Unit, "eth-b")})", refusal, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", refusal, StringComparison.Ordinal);
        var ethB = await EthB();
        Assert.Equal(1500, ethB.Mtu);
        Assert.DoesNotContain(ethB.Addresses, a => a.Scope == "global");

        // The same path with a ticket that names eth-b lets the change through: the refusal above is what kept eth-b as it was.
        var (allowed, kept) = await ReceiveAsync(Order(ChangeEthB, "eth-b"));
        Assert.Null(allowed);
        Assert.NotNull(kept);
        Assert.Equal(1400, (await EthB()).Mtu);
    }

    [Fact]
    public void A_bridge_whose_port_the_ticket_does_not_name_is_refused_naming_the_port()
    {
        const string bridge = """{"interfaces":[{"name":"br-x","bridge":{"ports":["eth-b","eth-a"]}}],"confirm":"auto","rollbackSeconds":10}""";

        var refusal = _guard.Refusal(Order(bridge, "br-x", "eth-a"));

        Assert.NotNull(refusal);
        Assert.Contains("the order changes interface 'eth-b', which its ticket does not name", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("'eth-a'", refusal, StringComparison.Ordinal);
        Assert.Null(_guard.Refusal(Order(bridge, "br-x", "eth-a", "eth-b")));
    }

    private sealed class Enrolled(AgentIdentity identity) : IAgentEnrolment
    {
        public bool StopHostWhenRefused => false;
        public Task<AgentIdentity> ObtainAsync(CancellationToken ct) => Task.FromResult(identity);
    }
}
