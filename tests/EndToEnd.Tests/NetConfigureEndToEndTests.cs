using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// net.configure on a real agent process that runs in a network namespace this test makes and reaches a real station
/// over a veth pair (never the host's real interfaces): the station refuses to remove the address the unit reaches it
/// from unless cutsOffUnit is set; a change confirmed through <c>POST /api/v1/tasks/{id}/confirm</c> is kept; a change
/// that cuts the agent off the station is undone by the agent alone, which is online again afterwards. Mostly waiting
/// for the agent's 10 s timer; it changes the host's own namespace (the veth pair's host side), so it runs alone after the lanes.
/// </summary>
[Collection(HostNetworkCollection.Name)]
public sealed class NetConfigureEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Probation = TimeSpan.FromSeconds(40);
    private readonly string _id = Guid.NewGuid().ToString("N")[..6];
    private readonly int _subnet = Random.Shared.Next(20, 250);
    private string Ns => "ccdsvm-t-" + _id;
    private string HostSide => $"cdt{_id}h";
    private string UnitSide => $"cdt{_id}u";
    private string Unit => "netns-" + _id;
    private string Address(int host) => $"10.211.{_subnet}.{host}";
    private bool _made;
    private StationProcess? _station;
    private AgentProcess? _agent;
    private ApiClient? _admin;

    public async Task InitializeAsync()
    {
        Needs.Root("it makes a network namespace and a veth pair (ip netns add, ip link add)");
        Needs.Tools(["ip"]);
        await IpAsync("netns", "add", Ns);
        _made = true;
        await IpAsync("link", "add", HostSide, "type", "veth", "peer", "name", UnitSide);
        await IpAsync("link", "set", UnitSide, "netns", Ns);
        await IpAsync("addr", "add", Address(1) + "/24", "dev", HostSide);
        await IpAsync("link", "set", HostSide, "up");
        foreach (var command in new[] { $"addr add {Address(2)}/24 dev {UnitSide}", $"link set {UnitSide} up", "link set lo up" })
            await IpAsync(["-n", Ns, .. command.Split(' ')]);

        int port = FreePort.Next();
        _station = await StationProcess.StartAsync(new StationSettings
        {
            Port = port,
            EmbeddedAgent = false,
            Environment = new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"https://127.0.0.1:{port};https://{Address(1)}:{port}" },
        });
        _admin = await _station.AdminAsync();
        _agent = await _station.StartAgentAsync(Unit, netns: Ns, stationUrl: new Uri($"https://{Address(1)}:{port}"));
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        try
        {
            if (_agent is not null) await _agent.DisposeAsync();
            if (_station is not null) await _station.DisposeAsync();
        }
        finally
        {
            // The namespace takes its end of the pair with it; the host's end goes with its peer.
            if (_made) await RunAsync("ip", "netns", "del", Ns);
            await RunAsync("ip", "link", "del", HostSide);
        }
    }

    private object CutOff(bool cutsOffUnit) => new
    {
        interfaces = new[] { new { name = UnitSide, addresses = new[] { Address(3) + "/24" } } },
        rollbackSeconds = 10,
        cutsOffUnit,
    };

    [Fact]
    public async Task A_change_that_cuts_the_unit_off_needs_cutsOffUnit_then_the_agent_rolls_it_back_alone_and_a_confirmed_one_is_kept()
    {
        var api = _admin!;
        var refused = await api.SubmitAsync("net.configure", Unit, CutOff(cutsOffUnit: false));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.StartsWith($"this change removes {Address(2)}, the address unit '{Unit}' reaches the station from", refused.Detail, StringComparison.Ordinal);

        long cut = await api.StartAsync("net.configure", Unit, CutOff(cutsOffUnit: true));
        var rolledBack = await api.WaitForStateAsync(cut, Probation);

        Assert.Equal("failed", rolledBack.GetProperty("state").GetString());
        Assert.StartsWith("rolled back: the station could not be reached within 10 s", rolledBack.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains($"inet {Address(2)}/24", await IpOutputAsync("-n", Ns, "addr", "show", "dev", UnitSide));
        await api.WaitUnitStatusAsync(Unit, "online", Timeouts.UnitOnline);

        long kept = await api.StartAsync("net.configure", Unit, new { interfaces = new[] { new { name = UnitSide, mtu = 1400 } }, rollbackSeconds = 30 });
        await WaitStageAsync(api, kept, "waiting for confirmation");
        var confirmed = await api.PostJsonAsync($"/api/v1/tasks/{kept}/confirm", null);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        var done = await api.WaitForStateAsync(kept, Probation);

        Assert.Equal("succeeded", done.GetProperty("state").GetString());
        var result = done.GetProperty("result");
        Assert.StartsWith("confirmed by the station", result.GetProperty("confirmation").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{UnitSide}: mtu 1500 → 1400", result.GetProperty("diff").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("mtu 1400", await IpOutputAsync("-n", Ns, "link", "show", "dev", UnitSide));
    }

    private static async Task WaitStageAsync(ApiClient api, long id, string stage)
    {
        using var cts = new CancellationTokenSource(Probation);
        JsonElement task;
        do
        {
            await Task.Delay(100, cts.Token);
            task = await api.TaskAsync(id);
        }
        while (task.GetProperty("stage").GetString()?.StartsWith(stage, StringComparison.Ordinal) != true);
    }

    private static async Task IpAsync(params string[] args)
    {
        var output = await RunAsync("ip", args);
        if (output.ExitCode != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {output.Text}");
    }

    private static async Task<string> IpOutputAsync(params string[] args) => (await RunAsync("ip", args)).Text;

    private static async Task<(int ExitCode, string Text)> RunAsync(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
