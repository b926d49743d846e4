using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// A hub host and one real agent process enrolled with it that a test may kill (SIGKILL) and start again on the
/// same state directory, for the agent's durable order record. Each test owns one.
/// </summary>
public sealed class RestartableAgent : IAsyncDisposable
{
    public const string Unit = "unit-r";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new();
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private AgentProcess? _agent;
    private int _announces;

    private RestartableAgent(HubHost hub, IReadOnlyDictionary<string, string>? environment)
    {
        Hub = hub;
        _environment = environment;
        Directory.CreateDirectory(Root);
    }

    public HubHost Hub { get; }
    public string Root => _dir.Combine("root");
    public string StateDirectory => _dir.Combine("state");
    public AgentProcess Agent => _agent ?? throw new InvalidOperationException("not started");

    public static async Task<RestartableAgent> StartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var agent = new RestartableAgent(await HubHost.StartAsync(Unit), environment);
        try { await agent.LaunchAsync(); }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
        return agent;
    }

    /// <summary>SIGKILL, then the same agent again on the same state directory; returns once it has announced itself.</summary>
    public async Task RestartAsync()
    {
        _agent?.Dispose();
        _agent = null;
        await LaunchAsync();
    }

    private async Task LaunchAsync()
    {
        _agent = new AgentProcess(
            ["--station", Hub.Url.ToString().TrimEnd('/'), "--name", Unit, "--enrol", Hub.State.Token, "--state", StateDirectory, "--root", Root],
            _dir.Path, _environment);
        _announces++;
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            // Every connect announces once: wait for this start's announce.
            while (Volatile.Read(ref Hub.State.AnnounceCount) < _announces) await Task.Delay(50, cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the agent did not announce itself:\n" + _agent.Output);
        }
    }

    /// <summary>An order for task <paramref name="id"/> with a fresh ticket (its own nonce), as the station signs on every send.</summary>
    public TaskOrder Order(long id, string kind, object parameters, string resource)
    {
        string json = JsonSerializer.Serialize(parameters);
        var now = DateTimeOffset.UtcNow;
        var ticket = new TaskTicket("alice", ["ops"], id, kind, Unit, [resource], now, now.AddMinutes(5), Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(json));
        return new TaskOrder(id, kind, json, "alice", now, TicketSigning.Sign(ticket, Hub.StationKey));
    }

    public TaskOrder Write(long id, string path, string content) =>
        Order(id, TaskKinds.FsWrite, new { path, content, overwrite = false }, $"/units/{Unit}/fs{path}");

    public TaskOrder Hold(long id, double seconds) =>
        Order(id, TaskKinds.MaintenanceHold, new { resource = $"/units/{Unit}/disks/loop9", seconds, reason = "test" }, $"/units/{Unit}/disks/loop9");

    public async ValueTask DisposeAsync()
    {
        _agent?.Dispose();
        await Hub.DisposeAsync();
        _dir.Dispose();
    }
}
