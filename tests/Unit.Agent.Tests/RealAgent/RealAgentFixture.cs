namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>One hub host and one real agent process enrolled with it, shared by the tests of a class.</summary>
public sealed class RealAgentFixture : IAsyncLifetime
{
    public const string Unit = "unit-t";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new();
    private HubHost? _hub;
    private AgentProcess? _agent;

    public HubHost Hub => _hub ?? throw new InvalidOperationException("not started");
    public AgentProcess Agent => _agent ?? throw new InvalidOperationException("not started");
    public string Root => _dir.Combine("root");
    public string StateDirectory => _dir.Combine("state");

    /// <summary>Published by the agent as the service "logs".</summary>
    public string ServiceDirectory => Path.Combine(Root, "logs");
    public TempDir Dir => _dir;

    public async Task InitializeAsync()
    {
        _hub = await HubHost.StartAsync(Unit);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(ServiceDirectory);
        File.WriteAllText(Path.Combine(ServiceDirectory, "app.log"), "published line\n");
        File.WriteAllText(Path.Combine(Root, "private.txt"), "not published");
        _agent = new AgentProcess(
            ["--station", _hub.Url.ToString().TrimEnd('/'), "--name", Unit, "--enrol", _hub.State.Token, "--state", StateDirectory,
             "--root", Root, "--deny-kind", "storage.mkfs", "--device", "/dev/loop*", "--mount-root", _dir.Combine("mnt"),
             "--service", "logs=" + ServiceDirectory],
            _dir.Path);
        try
        {
            await _hub.State.Announced.Task.WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("the agent did not enrol and announce itself:\n" + _agent.Output);
        }
    }

    public async Task DisposeAsync()
    {
        _agent?.Dispose();
        if (_hub is not null) await _hub.DisposeAsync();
        _dir.Dispose();
    }
}
