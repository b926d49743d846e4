using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Network;

namespace Ccdsvm.Unit.Agent.Tests.Network;

/// <summary>
/// A confirmed net.configure change outlives a reboot where a network manager keeps configuration: with
/// systemd-networkd (forced, as Agent:NetworkPersistence does, into a directory of the test's own) the confirmed change
/// is written as 50-ccdsvm-&lt;name&gt;.network (and .netdev for a bridge), mode 0644, and a change nobody confirms
/// leaves no file and the files already there as they were. Where neither manager runs (this machine: PID 1 is not
/// systemd, no NetworkManager), detection says runtime and the result says the change is lost at reboot. The network is
/// the test's own namespace (<see cref="NetNamespace"/>).
/// </summary>
public sealed class NetPersistenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(40);
    private static long _ids = 9000;
    private NetNamespace _ns = null!;
    private readonly NetConfirmations _confirmations = new() { StationLinked = true };
    private readonly TempDir _dir = new("networkd");

    public async Task InitializeAsync() => _ns = await NetNamespace.MakeAsync();

    public async Task DisposeAsync()
    {
        try { await _ns.DisposeAsync(); }
        finally { _dir.Dispose(); }
    }

    // Only the test's directory: what this machine's own networkd directories hold is not the test's.
    private NetPersistence Networkd => new(new NetBackendDetector(NetBackends.Networkd), _dir.Path, systemDirectories: []);

    private string FileOf(string name, string extension = "network") => _dir.File($"50-ccdsvm-{name}.{extension}");

    private sealed record Run(TaskContext Context, Task<object?> Task);

    private Run Start(string parameters, NetPersistence persistence)
    {
        var context = new TaskContext(Interlocked.Increment(ref _ids), TaskKinds.NetConfigure, _ => Task.CompletedTask);
        using var doc = JsonDocument.Parse(parameters);
        var executor = new NetConfigureExecutor(_confirmations, _ns.Host, persistence: persistence);
        return new Run(context, executor.ExecuteAsync(doc.RootElement.Clone(), context, CancellationToken.None));
    }

    private static async Task<NetConfigureResult> Kept(Run run) =>
        NetConfigure.Contract.ReadResult((JsonElement)(await run.Task.WaitAsync(Limit))!)!;

    private static async Task WaitingAsync(Run run)
    {
        using var cts = new CancellationTokenSource(Limit);
        while (run.Context.Stage?.StartsWith(NetConfigure.WaitingStage, StringComparison.Ordinal) != true)
        {
            if (run.Task.IsCompleted) await run.Task;
            await Task.Delay(50, cts.Token);
        }
    }

    private const string Change = """
        {"interfaces":[{"name":"v0","addresses":["10.77.1.2/24"],"mtu":1400,"gateway":"10.77.1.254","routes":[{"destination":"10.88.0.0/16","gateway":"10.77.1.9"}]}],
         "dns":["192.0.2.99"],"rollbackSeconds":10}
        """;

    [Fact]
    public async Task With_networkd_a_confirmed_change_is_written_as_a_network_file_with_its_addresses_and_mtu()
    {
        var run = Start(Change, Networkd);
        await WaitingAsync(run);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path)); // Nothing is written while the change is on probation.

        Assert.True(_confirmations.Confirm(run.Context.TaskId));
        var result = await Kept(run);

        string file = FileOf("v0");
        Assert.Equal($"""
            # Written by the CCDSVM agent (net.configure); the next change of this interface replaces it.

            [Match]
            Name=v0

            [Link]
            MTUBytes=1400

            [Network]
            Description=written by the CCDSVM agent for net.configure task {run.Context.TaskId}
            Address=10.77.1.2/24
            Gateway=10.77.1.254
            DNS=192.0.2.99

            [Route]
            Destination=10.88.0.0/16
            Gateway=10.77.1.9

            """, await File.ReadAllTextAsync(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        Assert.Equal([file], Directory.EnumerateFileSystemEntries(_dir.Path)); // No temporary file left beside it.

        Assert.Equal((NetBackends.Networkd, true), (result.Backend, result.Persisted));
        Assert.Equal($"kept across reboots by systemd-networkd: {file}", result.Persistence);
        var saved = Assert.Single(result.Saved!);
        Assert.Equal(("v0", file, false), (saved.Interface, saved.Where, saved.Removed));
        Assert.Equal(["MTUBytes=1400", "Address=10.77.1.2/24", "Gateway=10.77.1.254", "DNS=192.0.2.99", "Destination=10.88.0.0/16", "Gateway=10.77.1.9"], saved.Settings);
    }

    [Fact]
    public async Task With_networkd_a_leased_address_is_written_as_a_request_for_a_lease_not_pinned()
    {
        // v0 holds a lease as a DHCP client leaves it (a limited lifetime: "dynamic"), beside an address configured to stay.
        await _ns.IpAsync("addr add 10.77.5.7/24 dev v0 valid_lft 600 preferred_lft 600");
        await _ns.IpAsync("addr add 10.77.6.1/24 dev v0");
        Assert.Equal(true, (await _ns.ReadAsync()).Interfaces.Single(i => i.Name == "v0").Addresses.Single(a => a.Address == "10.77.5.7").Dynamic);

        var run = Start("""{"interfaces":[{"name":"v0","mtu":1400}],"rollbackSeconds":10}""", Networkd);
        await WaitingAsync(run);
        Assert.True(_confirmations.Confirm(run.Context.TaskId));
        var saved = Assert.Single((await Kept(run)).Saved!);

        Assert.Contains("DHCP=ipv4", saved.Settings);
        Assert.Contains("Address=10.77.6.1/24", saved.Settings);
        Assert.DoesNotContain("Address=10.77.5.7/24", saved.Settings);
        string text = await File.ReadAllTextAsync(FileOf("v0"));
        Assert.Contains("\nDHCP=ipv4\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("10.77.5.7", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_networkd_a_file_networkd_reads_first_for_the_interface_is_named_and_the_change_not_called_kept()
    {
        // The administrator's own file, sorting before the agent's and naming v0 among others by a pattern.
        File.WriteAllText(_dir.File("10-lab.network"), "[Match]\nName=eth9 v*\n\n[Network]\nDHCP=yes\n");
        File.WriteAllText(_dir.File("20-other.network"), "[Match]\nName=!v0\n");

        var run = Start("""{"interfaces":[{"name":"v0","mtu":1400}],"rollbackSeconds":10}""", Networkd);
        await WaitingAsync(run);
        Assert.True(_confirmations.Confirm(run.Context.TaskId));
        var result = await Kept(run);

        Assert.False(result.Persisted);
        Assert.Contains($"systemd-networkd gives v0 the settings of {_dir.File("10-lab.network")}, which it reads first", result.Persistence, StringComparison.Ordinal);
        Assert.True(File.Exists(FileOf("v0")));

        // Without that file, the agent's is the one networkd uses (20-other.network excludes v0).
        File.Delete(_dir.File("10-lab.network"));
        var again = Start("""{"interfaces":[{"name":"v0","mtu":1300}],"rollbackSeconds":10}""", Networkd);
        await WaitingAsync(again);
        Assert.True(_confirmations.Confirm(again.Context.TaskId));
        Assert.True((await Kept(again)).Persisted);
    }

    [Fact]
    public async Task With_networkd_a_bridge_gets_a_netdev_and_its_port_joins_it_and_deleting_the_bridge_removes_its_files()
    {
        var made = await Kept(Start("""{"interfaces":[{"name":"brt","bridge":{"ports":["v1"]},"addresses":["10.79.0.1/24"]}],"confirm":"auto"}""", Networkd));

        Assert.True(made.Persisted);
        Assert.Contains("[NetDev]\nName=brt\nKind=bridge\n", await File.ReadAllTextAsync(FileOf("brt", "netdev")), StringComparison.Ordinal);
        Assert.Contains("Address=10.79.0.1/24\n", await File.ReadAllTextAsync(FileOf("brt")), StringComparison.Ordinal);
        Assert.Contains("Bridge=brt\n", await File.ReadAllTextAsync(FileOf("v1")), StringComparison.Ordinal);

        var deleted = await Kept(Start("""{"interfaces":[{"name":"brt","delete":true}],"confirm":"auto"}""", Networkd));

        Assert.False(File.Exists(FileOf("brt")));
        Assert.False(File.Exists(FileOf("brt", "netdev")));
        Assert.DoesNotContain("Bridge=brt", await File.ReadAllTextAsync(FileOf("v1")), StringComparison.Ordinal);
        Assert.Contains(deleted.Saved!, s => s is { Interface: "brt", Removed: true });
    }

    [Fact]
    public async Task With_networkd_a_change_nobody_confirms_leaves_no_file_and_the_files_there_as_they_were()
    {
        const string earlier = "# an earlier change of v0\n[Match]\nName=v0\n\n[Network]\nAddress=10.77.1.1/24\n";
        await File.WriteAllTextAsync(FileOf("v0"), earlier);
        var run = Start("""{"interfaces":[{"name":"v0","addresses":["10.77.1.2/24"],"mtu":1400},{"name":"v1","mtu":1300}],"dns":["192.0.2.99"],"rollbackSeconds":10}""", Networkd);
        await WaitingAsync(run);

        var failure = await Assert.ThrowsAsync<TaskFailureException>(() => run.Task.WaitAsync(Limit));

        Assert.StartsWith("rolled back: nobody confirmed within 10 s", failure.Message, StringComparison.Ordinal);
        Assert.Equal([FileOf("v0")], Directory.EnumerateFileSystemEntries(_dir.Path));
        Assert.Equal(earlier, await File.ReadAllTextAsync(FileOf("v0")));
        Assert.Equal(1500, (await _ns.ReadAsync()).Interfaces.Single(i => i.Name == "v0").Mtu);
    }

    [Fact]
    public async Task Where_neither_manager_runs_detection_says_runtime_and_the_result_says_the_change_is_lost_at_reboot()
    {
        // This machine (and CI's): PID 1 is not systemd and NetworkManager is not installed; /run/systemd/netif may be left over.
        Assert.False(File.Exists(NetBackendDetector.NetworkdState), "this test expects a machine where systemd-networkd does not run");
        using var cts = new CancellationTokenSource(Limit);
        var detector = new NetBackendDetector();

        Assert.Equal(NetBackends.Runtime, await detector.DetectAsync(cts.Token));
        // A state file with no networkd answering networkctl is not networkd either.
        await File.WriteAllTextAsync(_dir.File("state"), "OPER_STATE=routable\n");
        Assert.Equal(NetBackends.Runtime, await new NetBackendDetector(networkdState: _dir.File("state")).DetectAsync(cts.Token));

        var result = await Kept(Start("""{"interfaces":[{"name":"v0","mtu":1400}],"confirm":"auto"}""", new NetPersistence(detector, _dir.Path)));

        Assert.Equal((NetBackends.Runtime, false), (result.Backend, result.Persisted));
        Assert.Equal("runtime only: neither NetworkManager nor systemd-networkd runs on this unit, so nothing keeps network configuration; the change is lost at reboot", result.Persistence);
        Assert.Empty(result.Saved!);
        Assert.Equal(["state"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }
}
