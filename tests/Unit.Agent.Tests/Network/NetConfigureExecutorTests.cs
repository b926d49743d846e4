using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Network;

namespace Ccdsvm.Unit.Agent.Tests.Network;

/// <summary>
/// net.configure's executor against the real kernel, in a network namespace each test makes (<see cref="NetNamespace"/>):
/// a change confirmed in time is kept, one nobody confirms (or confirmed by a station the agent cannot reach) is undone by
/// the agent alone, and bad input or a missing interface is refused before anything changes. The station is played by
/// the test: it confirms through <see cref="NetConfirmations"/> and answers (or not) the agent's "applied" report.
/// </summary>
public sealed class NetConfigureExecutorTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private static long _ids = 5000;
    private NetNamespace _ns = null!;
    private readonly NetConfirmations _confirmations = new() { StationLinked = true };
    private readonly TempDir _state = new("net-state");
    private PendingRollbacks Pending => new(_state.Path);

    public async Task InitializeAsync() => _ns = await NetNamespace.MakeAsync();

    public async Task DisposeAsync()
    {
        try { await _ns.DisposeAsync(); }
        finally { _state.Dispose(); }
    }

    private sealed record Run(TaskContext Context, Task<object?> Task);

    /// <summary>Starts the executor; <paramref name="stationAnswers"/> false plays a station the agent cannot reach.</summary>
    private Run Start(string parameters, bool stationAnswers = true)
    {
        var context = new TaskContext(Interlocked.Increment(ref _ids), TaskKinds.NetConfigure,
            _ => stationAnswers ? Task.CompletedTask : Task.FromException(new InvalidOperationException("not connected to the station")));
        using var doc = JsonDocument.Parse(parameters);
        var executor = new NetConfigureExecutor(_confirmations, _ns.Host, Pending);
        return new Run(context, executor.ExecuteAsync(doc.RootElement.Clone(), context, CancellationToken.None));
    }

    private static async Task<NetConfigureResult> Kept(Run run) =>
        NetConfigure.Contract.ReadResult((JsonElement)(await run.Task.WaitAsync(Limit))!)!;

    private static async Task WaitingAsync(Run run)
    {
        using var cts = new CancellationTokenSource(Limit);
        while (run.Context.Stage?.StartsWith(NetConfigure.WaitingStage, StringComparison.Ordinal) != true)
        {
            if (run.Task.IsCompleted) await run.Task; // A failure shows here with its message.
            await Task.Delay(50, cts.Token);
        }
    }

    private async Task<NetInterface> V0() => (await _ns.ReadAsync()).Interfaces.Single(i => i.Name == "v0");

    private static string[] Global(NetInterface i) => [.. i.Addresses.Where(a => a.Scope == "global").Select(a => $"{a.Address}/{a.Prefix}")];

    private const string Change = """
        {"interfaces":[{"name":"v0","addresses":["10.77.1.2/24"],"mtu":1400,"routes":[{"destination":"10.88.0.0/16","gateway":"10.77.1.9"}]},
                       {"name":"brt","bridge":{"ports":["v1"]}}],
         "dns":["192.0.2.99"],"rollbackSeconds":10}
        """;

    [Fact]
    public async Task A_change_confirmed_by_the_station_in_time_is_kept()
    {
        var run = Start(Change);
        await WaitingAsync(run);
        Assert.Matches(@"^waiting for confirmation \(\d+ s left\)$", run.Context.Stage);
        Assert.Equal(["10.77.1.2/24"], Global(await V0()));

        Assert.True(File.Exists(Pending.PathOf(run.Context.TaskId)), "the way back is not on disk while the change is on probation");
        Assert.True(_confirmations.Confirm(run.Context.TaskId));
        var result = await Kept(run);
        Assert.False(File.Exists(Pending.PathOf(run.Context.TaskId)));

        Assert.StartsWith("confirmed by the station", result.Confirmation, StringComparison.Ordinal);
        Assert.Contains("v0: mtu 1500 → 1400", result.Diff);
        Assert.Contains("v0: addresses 10.77.1.1/24 → 10.77.1.2/24", result.Diff);
        Assert.Contains(result.Diff, d => d.StartsWith("+ brt: new bridge with ports v1", StringComparison.Ordinal));
        Assert.False(result.Persisted);
        Assert.StartsWith("runtime only", result.Persistence, StringComparison.Ordinal);
        var now = await _ns.ReadAsync();
        var v0 = now.Interfaces.Single(i => i.Name == "v0");
        Assert.Equal((1400, "10.77.1.2/24"), (v0.Mtu, Assert.Single(Global(v0))));
        Assert.Equal("brt", now.Interfaces.Single(i => i.Name == "v1").Master);
        Assert.Contains(now.Routes, r => r is { Destination: "10.88.0.0/16", Gateway: "10.77.1.9", Device: "v0" });
        Assert.Equal(["192.0.2.99"], now.DnsServers);
        Assert.False(_confirmations.Confirm(run.Context.TaskId)); // Nothing waits any more.
    }

    [Fact]
    public async Task A_change_nobody_confirms_is_rolled_back_by_the_agent_alone()
    {
        var run = Start(Change);
        await WaitingAsync(run);
        Assert.Equal(1400, (await V0()).Mtu);

        var failure = await Assert.ThrowsAsync<TaskFailureException>(() => run.Task.WaitAsync(Limit));

        Assert.StartsWith("rolled back: nobody confirmed within 10 s; the previous network was restored", failure.Message, StringComparison.Ordinal);
        await AssertAsBeforeAsync();
    }

    [Fact]
    public async Task A_change_after_which_the_station_cannot_be_reached_is_rolled_back_saying_so()
    {
        _confirmations.StationLinked = false;
        var run = Start(Change.Replace("\"rollbackSeconds\":10", "\"rollbackSeconds\":10,\"confirm\":\"auto\"", StringComparison.Ordinal), stationAnswers: false);

        var failure = await Assert.ThrowsAsync<TaskFailureException>(() => run.Task.WaitAsync(Limit));

        Assert.StartsWith("rolled back: the station could not be reached within 10 s; the previous network was restored", failure.Message, StringComparison.Ordinal);
        await AssertAsBeforeAsync();
    }

    [Fact]
    public async Task A_change_an_agent_left_on_probation_when_it_died_is_rolled_back_when_the_agent_starts_again()
    {
        var run = Start(Change.Replace("\"rollbackSeconds\":10", "\"rollbackSeconds\":600", StringComparison.Ordinal));
        await WaitingAsync(run);
        Assert.Equal(1400, (await V0()).Mtu);

        // What the next run of the agent does first (NetRollbackRecovery), while this one is as good as dead.
        var lines = new List<string>();
        Assert.Equal(1, await Pending.RestoreAllAsync(lines.Add).WaitAsync(Limit));

        Assert.Contains(lines, l => l.EndsWith("the network change that was never confirmed is rolled back", StringComparison.Ordinal));
        Assert.False(File.Exists(Pending.PathOf(run.Context.TaskId)));
        await AssertAsBeforeAsync();
        Assert.Equal(0, await Pending.RestoreAllAsync(lines.Add).WaitAsync(Limit));
        _confirmations.Confirm(run.Context.TaskId); // Ends the executor this test left waiting.
        await run.Task.WaitAsync(Limit);
    }

    private async Task AssertAsBeforeAsync()
    {
        var now = await _ns.ReadAsync();
        var v0 = now.Interfaces.Single(i => i.Name == "v0");
        Assert.Equal((1500, "10.77.1.1/24"), (v0.Mtu, Assert.Single(Global(v0))));
        Assert.DoesNotContain(now.Interfaces, i => i.Name == "brt");
        Assert.Null(now.Interfaces.Single(i => i.Name == "v1").Master);
        Assert.DoesNotContain(now.Routes, r => r.Destination == "10.88.0.0/16");
        Assert.Equal(["192.0.2.53"], now.DnsServers);
        Assert.Equal("search example.test\nnameserver 192.0.2.53\n", await File.ReadAllTextAsync(_ns.ResolvConf));
    }

    [Fact]
    public async Task Confirm_auto_keeps_the_change_as_soon_as_the_station_answers_and_a_created_bridge_is_deleted_again()
    {
        var made = await Kept(Start("""{"interfaces":[{"name":"brt","bridge":{"ports":["v1"]},"addresses":["10.79.0.1/24"]}],"confirm":"auto"}"""));
        Assert.StartsWith("confirmed automatically: the station answered the agent", made.Confirmation, StringComparison.Ordinal);
        var bridge = (await _ns.ReadAsync()).Interfaces.Single(i => i.Name == "brt");
        Assert.Equal(("bridge", "10.79.0.1/24"), (bridge.Kind, Assert.Single(Global(bridge))));

        var deleted = await Kept(Start("""{"interfaces":[{"name":"brt","delete":true}],"confirm":"auto"}"""));

        Assert.Equal(["- brt: deleted (bridge)"], deleted.Diff);
        var now = await _ns.ReadAsync();
        Assert.DoesNotContain(now.Interfaces, i => i.Name == "brt");
        Assert.Null(now.Interfaces.Single(i => i.Name == "v1").Master);
    }

    /// <summary>
    /// Where the kernel makes VLANs and bonds (8021q, bonding), both are created, kept and deleted again; where it does not
    /// (this test machine's kernel has neither module), the change fails saying ip's words and leaves nothing behind.
    /// </summary>
    [Fact]
    public async Task A_vlan_and_a_bond_are_created_and_removed_or_refused_cleanly_where_the_kernel_has_neither()
    {
        bool vlans = await _ns.KernelMakesAsync("link add link v0 name probe0 type vlan id 7");
        bool bonds = await _ns.KernelMakesAsync("link add probe0 type bond mode active-backup");
        const string create = """
            {"interfaces":[{"name":"v0.42","vlan":{"parent":"v0","id":42},"mtu":1400},{"name":"bond7","bond":{"mode":"active-backup","links":["v1"]}}],"confirm":"auto"}
            """;
        if (vlans && bonds)
        {
            await Kept(Start(create));
            var made = (await _ns.ReadAsync()).Interfaces.ToDictionary(i => i.Name);
            Assert.Equal(("vlan", 42, "v0"), (made["v0.42"].Kind, made["v0.42"].VlanId, made["v0.42"].Parent));
            Assert.Equal(("bond", "bond7"), (made["bond7"].Kind, made["v1"].Master));
            await Kept(Start("""{"interfaces":[{"name":"v0.42","delete":true},{"name":"bond7","delete":true}],"confirm":"auto"}"""));
        }
        else
        {
            var failure = await Assert.ThrowsAsync<TaskFailureException>(() => Start(create).Task.WaitAsync(Limit));
            Assert.StartsWith("not applied: 'ip link add ", failure.Message, StringComparison.Ordinal);
            Assert.EndsWith("; the previous network was restored", failure.Message, StringComparison.Ordinal);
        }
        var after = (await _ns.ReadAsync()).Interfaces;
        Assert.Equal(["lo", "v0", "v1"], after.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Null(after.Single(i => i.Name == "v1").Master);
    }

    [Theory]
    [InlineData("""{"interfaces":[{"name":"v0","addresses":["10.77.1.2/33"]}]}""", "'10.77.1.2/33' has prefix '33': an IPv4 prefix is 0 to 32")]
    [InlineData("""{"interfaces":[{"name":"v0","mtu":70000}]}""", "parameter 'interfaces[0].mtu' must be at most 65535")]
    [InlineData("""{"interfaces":[{"name":"eth9","mtu":1400},{"name":"v0","mtu":1300}]}""", "interface 'eth9' does not exist on this unit (it has: lo, v0, v1); nothing was changed")]
    [InlineData("""{"interfaces":[{"name":"v0.5","vlan":{"parent":"eth9","id":5}}]}""", "the parent 'eth9' of VLAN v0.5 does not exist on this unit")]
    [InlineData("""{"interfaces":[{"name":"v1","delete":true}]}""", "'v1' is a veth link; net.configure deletes only the VLANs, bonds and bridges it can create; nothing was changed")]
    public async Task Bad_input_and_missing_interfaces_are_refused_before_anything_changes(string parameters, string expected)
    {
        var failure = await Assert.ThrowsAsync<TaskFailureException>(() => Start(parameters).Task.WaitAsync(Limit));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        var v0 = await V0();
        Assert.Equal((1500, "10.77.1.1/24"), (v0.Mtu, Assert.Single(Global(v0))));
        Assert.Equal(["lo", "v0", "v1"], (await _ns.ReadAsync()).Interfaces.Select(i => i.Name).Order(StringComparer.Ordinal));
    }
}
