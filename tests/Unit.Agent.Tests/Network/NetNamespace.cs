using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Inventory;
using Ccdsvm.Unit.Agent.Network;

namespace Ccdsvm.Unit.Agent.Tests.Network;

/// <summary>
/// A network namespace of the test's own (never the host's real interfaces): a veth pair v0/v1, v0 at 10.77.1.1/24 with
/// MTU 1500, both up, and a resolv.conf of its own. Deleted on dispose, whatever the test did.
/// </summary>
public sealed class NetNamespace : IAsyncDisposable
{
    private readonly TempDir _dir = new("netns");
    private bool _made;

    private NetNamespace()
    {
        Name = "ccdsvm-t-" + Guid.NewGuid().ToString("N")[..8];
        ResolvConf = _dir.File("resolv.conf");
        File.WriteAllText(ResolvConf, "search example.test\nnameserver 192.0.2.53\n");
        Host = new NetHost(Name, ResolvConf);
    }

    public string Name { get; }
    public string ResolvConf { get; }
    public NetHost Host { get; }

    public static async Task<NetNamespace> MakeAsync()
    {
        Needs.Root("it makes a network namespace with veth links (ip netns add)");
        Needs.Tools(["ip"]);
        var ns = new NetNamespace();
        try
        {
            await Ip("netns", "add", ns.Name);
            ns._made = true;
            foreach (var command in new[] { "link add v0 type veth peer name v1", "addr add 10.77.1.1/24 dev v0", "link set v0 up", "link set v1 up" })
                await ns.IpAsync(command);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
        return ns;
    }

    public Task IpAsync(string command) => Ip(["-n", Name, .. command.Split(' ')]);

    /// <summary>Whether the kernel here makes the link <c>probe0</c> as <paramref name="linkAdd"/> says (vlan and bond are modules some kernels lack).</summary>
    public async Task<bool> KernelMakesAsync(string linkAdd)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var made = await ProcessRunner.RunAsync("ip", ["-n", Name, .. linkAdd.Split(' ')], cts.Token);
        if (made.ExitCode != 0) return false;
        await IpAsync("link del probe0");
        return true;
    }

    public async Task<NetInventoryResult> ReadAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await new NetReader(Name, ResolvConf).ReadAsync(null, cts.Token);
    }

    private static async Task Ip(params string[] args)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = await ProcessRunner.RunAsync("ip", args, cts.Token);
        if (output.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {output.StdErr}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_made)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await ProcessRunner.RunAsync("ip", ["netns", "del", Name], cts.Token);
            }
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
