namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>A real Unit.Agent process with its own root and working directory, connected to a <see cref="StationProcess"/>.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly TempDir _work;
    private readonly TempDir _root;
    private readonly StationProcess _station;
    private ManagedProcess? _process;

    private AgentProcess(StationProcess station, string name)
    {
        _station = station;
        Name = name;
        _work = new TempDir($"{name}-work");
        _root = new TempDir($"{name}-root");
    }

    public string Name { get; }

    /// <summary>The directory this unit allows file work in.</summary>
    public string Root => _root.Path;

    public string Output => _process?.Output ?? "(not started)";

    public bool HasExited => _process?.HasExited ?? true;

    public static async Task<AgentProcess> StartAsync(StationProcess station, string name, string key, bool waitOnline)
    {
        var agent = new AgentProcess(station, name);
        try
        {
            agent._process = new ManagedProcess(name, RepoPaths.AgentDll,
                ["--station", station.BaseUrl.ToString().TrimEnd('/'), "--name", name, "--key", key, "--root", agent.Root],
                new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development" }, agent._work.Path);
            if (waitOnline) await agent.WaitUnitOnlineAsync(Timeouts.UnitOnline);
            return agent;
        }
        catch (Exception ex)
        {
            var output = agent.Output;
            await agent.DisposeAsync();
            throw new InvalidOperationException($"agent '{name}' did not come online: {ex.Message}\n--- agent output ---\n{output}\n--- station output ---\n{station.Output}", ex);
        }
    }

    /// <summary>Polls GET /api/v1/units until this unit is listed online.</summary>
    public async Task WaitUnitOnlineAsync(TimeSpan timeout)
    {
        using var api = await _station.AdminAsync();
        await api.WaitUnitStatusAsync(Name, "online", timeout, () => _process is null || _process.HasExited ? "the agent process exited" : null);
    }

    /// <summary>Kills the agent process (its unit goes offline at the station); the temp dirs stay until dispose.</summary>
    public void Stop() => _process?.Kill();

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        await Task.Yield();
        _root.Dispose();
        _work.Dispose();
    }
}
