using System.Globalization;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A real station that can be killed with SIGKILL and started again on the same store and port, with
/// standalone agents that reconnect quickly (short backoff), for recovery tests.
/// </summary>
public sealed class CrashableStation : IAsyncDisposable
{
    private readonly TempDir _work = new("crash-work");
    private readonly TempDir _data = new("crash-data");
    private readonly TempDir _root = new("crash-root");
    private readonly Dictionary<string, (ManagedProcess Process, TempDir Root, TempDir State)> _agents = [];
    private readonly Dictionary<string, Dictionary<string, string>> _agentEnvironment = [];
    private readonly int _graceSeconds;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private ManagedProcess? _process;

    /// <param name="environment">Extra environment for the station process, applied last.</param>
    public CrashableStation(int graceSeconds = 60, IReadOnlyDictionary<string, string>? environment = null)
    {
        _graceSeconds = graceSeconds;
        _environment = environment ?? new Dictionary<string, string>();
        BaseUrl = new Uri($"https://127.0.0.1:{FreePort.Next()}");
        TestTls.Trust(_data.Path);
    }

    public const string Password = "crash-admin-password";

    public Uri BaseUrl { get; }
    public string DataDirectory => _data.Path;
    public string StationRoot => _root.Path;
    public string Output => _process?.Output ?? "";

    public async Task<ApiClient> StartAsync()
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/'),
            ["Station__DataDirectory"] = _data.Path,
            ["Station__RecoveryGraceSeconds"] = _graceSeconds.ToString(CultureInfo.InvariantCulture),
            ["CCDSVM_ADMIN_PASSWORD"] = Password,
            ["Agent__Roots__0"] = _root.Path,
            ["Transfers__AllowLoopbackDataPlane"] = "true",
        };
        foreach (var (key, value) in _environment) env[key] = value;
        _process = new ManagedProcess("station", RepoPaths.StationDll, [], env, _work.Path);
        try
        {
            await _process.WaitForOutputAsync("Application started", Timeouts.Startup);
        }
        catch (TimeoutException first)
        {
            // Seen once in CI (not reproduced in 5 runs alone): a start that never said "Application started".
            // Start once more, keeping the first attempt's output in the failure if the second fails too.
            Crash();
            _process = new ManagedProcess("station", RepoPaths.StationDll, [], env, _work.Path);
            try { await _process.WaitForOutputAsync("Application started", Timeouts.Startup); }
            catch (TimeoutException second) { throw new TimeoutException($"{second.Message}\nfirst attempt: {first.Message}"); }
        }
        return await ApiClient.SignInAsync(BaseUrl, "admin", Password);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a power cut of the station.</summary>
    public void Crash()
    {
        _process?.Kill();
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts an agent that enrols with a one-time token created through <paramref name="api"/> (as admin).</summary>
    /// <param name="via">The station's address as the agent dials it (a <see cref="CuttableLink"/>); the station's own by default.</param>
    public async Task<string> StartAgentAsync(ApiClient api, string name, IReadOnlyDictionary<string, string>? environment = null, Uri? via = null)
    {
        string token = await api.CreateEnrolmentTokenAsync($"e2e {name}");
        var root = new TempDir(name + "-root");
        var state = new TempDir(name + "-state");
        var process = new ManagedProcess(name, RepoPaths.AgentDll,
            ["--station", (via ?? BaseUrl).ToString().TrimEnd('/'), "--name", name, "--enrol", token, "--root", root.Path, "--state", state.Path, "--fingerprint", TestTls.Fingerprint(_data.Path)],
            _agentEnvironment[name] = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Agent__MaxReconnectDelaySeconds"] = "1" }, root.Path);
        _agents[name] = (process, root, state);
        await api.WaitUnitStatusAsync(name, "online", Timeouts.UnitOnline, () => process.HasExited ? "agent exited:\n" + process.Output : null);
        return root.Path;
    }

    public void KillAgent(string name) => _agents[name].Process.Kill();

    /// <summary>Starts a killed agent again on its root, state and environment: it reconnects with the credential it enrolled with.</summary>
    public async Task RestartAgentAsync(ApiClient api, string name)
    {
        var (old, root, state) = _agents[name];
        old.Kill();
        old.Dispose();
        var process = new ManagedProcess(name, RepoPaths.AgentDll,
            ["--station", BaseUrl.ToString().TrimEnd('/'), "--name", name, "--root", root.Path, "--state", state.Path, "--fingerprint", TestTls.Fingerprint(_data.Path)],
            _agentEnvironment[name], root.Path);
        _agents[name] = (process, root, state);
        await api.WaitUnitStatusAsync(name, "online", Timeouts.UnitOnline, () => process.HasExited ? "agent exited:\n" + process.Output : null);
    }

    /// <summary>The station process's id, for SIGSTOP and SIGCONT.</summary>
    public int StationPid => (_process ?? throw new InvalidOperationException("the station is not running")).Id;

    public int AgentPid(string name) => _agents[name].Process.Id;

    public string AgentOutput(string name) => _agents[name].Process.Output;

    public Task WaitForAgentOutputAsync(string name, string needle, TimeSpan timeout) => _agents[name].Process.WaitForOutputAsync(needle, timeout);

    public ValueTask DisposeAsync()
    {
        foreach (var (process, root, state) in _agents.Values)
        {
            process.Dispose();
            root.Dispose();
            state.Dispose();
        }
        _process?.Dispose();
        _root.Dispose();
        _data.Dispose();
        _work.Dispose();
        return ValueTask.CompletedTask;
    }
}
