namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real Unit.Agent process with its own root, state directory and working directory, connected to a
/// <see cref="StationProcess"/>. It enrols with a one-time token the first time; a restart reuses its state.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly TempDir _work;
    private readonly TempDir _root;
    private readonly StationProcess _station;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private ManagedProcess? _process;

    /// <summary>A network namespace the agent runs in (<c>ip netns exec</c>), reaching the station at <see cref="_stationUrl"/>; null for the host's.</summary>
    private string? _netns;
    private Uri? _stationUrl;

    private AgentProcess(StationProcess station, string name, IReadOnlyDictionary<string, string>? environment)
    {
        _station = station;
        Name = name;
        _work = new TempDir($"{name}-work");
        _root = new TempDir($"{name}-root");
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string Name { get; }

    /// <summary>The directory this unit allows file work in.</summary>
    public string Root => _root.Path;

    /// <summary>Where the agent keeps its credential and the pinned station key.</summary>
    public string StateDirectory => Path.Combine(_work.Path, "state");

    public string Output => _process?.Output ?? "(not started)";

    public bool HasExited => _process?.HasExited ?? true;

    public static async Task<AgentProcess> StartAsync(StationProcess station, string name, string? token, bool waitOnline, IReadOnlyDictionary<string, string>? environment = null,
        string? netns = null, Uri? stationUrl = null)
    {
        var agent = new AgentProcess(station, name, environment) { _netns = netns, _stationUrl = stationUrl };
        try
        {
            await agent.LaunchAsync(token, waitOnline);
            return agent;
        }
        catch (Exception ex)
        {
            var output = agent.Output;
            await agent.DisposeAsync();
            throw new InvalidOperationException($"agent '{name}' did not come online: {ex.Message}\n--- agent output ---\n{output}\n--- station output ---\n{station.Output}", ex);
        }
    }

    /// <summary>Kills the agent and starts it again with the same state and root: without a token unless one is given.</summary>
    public async Task RestartAsync(string? token = null, bool waitOnline = true)
    {
        _process?.Dispose();
        _process = null;
        await LaunchAsync(token, waitOnline);
    }

    private async Task LaunchAsync(string? token, bool waitOnline)
    {
        string[] args = ["--station", (_stationUrl ?? _station.BaseUrl).ToString().TrimEnd('/'), "--name", Name, "--root", Root, "--state", StateDirectory];
        // The station's pin unless the test gives its own (Agent__StationFingerprint in the environment).
        if (_station.BaseUrl.Scheme == "https" && !_environment.ContainsKey("Agent__StationFingerprint")) args = [.. args, "--fingerprint", _station.Fingerprint];
        if (token is not null) args = [.. args, "--enrol", token];
        var env = new Dictionary<string, string>(_environment) { ["DOTNET_ENVIRONMENT"] = "Development", ["Agent__MaxReconnectDelaySeconds"] = "2" };
        _process = _netns is null
            ? new ManagedProcess(Name, RepoPaths.AgentDll, args, env, _work.Path)
            // ip netns exec execs the command: the process is the agent itself, killed as any other.
            : ManagedProcess.StartExecutable(Name, "ip", ["netns", "exec", _netns, "dotnet", RepoPaths.AgentDll, .. args], env, _work.Path);
        if (waitOnline) await WaitUnitOnlineAsync(Timeouts.UnitOnline);
    }

    /// <summary>Polls GET /api/v1/units until this unit is listed online.</summary>
    public async Task WaitUnitOnlineAsync(TimeSpan timeout)
    {
        using var api = await _station.AdminAsync();
        await api.WaitUnitStatusAsync(Name, "online", timeout, () => _process is null || _process.HasExited ? "the agent process exited:\n" + Output : null);
    }

    /// <summary>Waits until the agent has logged that the station refused it with 401 at least twice (it keeps retrying).</summary>
    public async Task WaitForRefusalAsync(TimeSpan timeout)
    {
        if (_process is null) throw new InvalidOperationException("not started");
        await _process.WaitForOutputAsync("401", timeout);
        await _process.WaitForOutputAsync("(attempt 2)", timeout);
    }

    /// <summary>Waits for a line of the agent's output.</summary>
    public Task WaitForOutputAsync(string needle, TimeSpan timeout) =>
        (_process ?? throw new InvalidOperationException("not started")).WaitForOutputAsync(needle, timeout);

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
