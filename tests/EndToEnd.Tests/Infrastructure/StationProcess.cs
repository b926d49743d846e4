namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real station (Console.Blazor) as a process on a free loopback port, with its own data directory and
/// its co-hosted unit agent "station". Can be killed and started again on the same store.
/// </summary>
public sealed class StationProcess : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-e2e";
    public const string AgentKey = "e2e-agent-key-0123456789";

    private readonly Dictionary<string, string> _settings;
    private ChildProcess? _process;

    public StationProcess(IDictionary<string, string>? settings = null)
    {
        Port = RepoPaths.FreePort();
        Directory = RepoPaths.NewTempDir("station");
        StationRoot = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "station-files")).FullName;
        _settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["Station__DataDirectory"] = Path.Combine(Directory, "data"),
            ["Station__AgentKey"] = AgentKey,
            ["CCDSVM_ADMIN_PASSWORD"] = AdminPassword,
            ["Agent__Roots__0"] = StationRoot,
            ["Logging__LogLevel__Default"] = "Information",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) _settings[k] = v;
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public string Directory { get; }
    public string DataDirectory => _settings["Station__DataDirectory"];
    public string StationRoot { get; }
    public string Output => _process?.Output ?? "";
    public ChildProcess? Process => _process;

    public async Task<ApiClient> StartAsync(bool waitForOwnUnit = true)
    {
        _process = new ChildProcess(RepoPaths.StationDll, [], _settings, Directory);
        var api = new ApiClient(Url, () => Output);
        await api.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await api.LoginAsync("admin", AdminPassword);
        if (waitForOwnUnit && _settings.GetValueOrDefault("Station__EmbeddedAgent") != "false")
            await api.WaitUnitStatusAsync("station", "online", TimeSpan.FromSeconds(30));
        return api;
    }

    /// <summary>SIGKILL, as a crash would.</summary>
    public void Kill() => _process?.Kill();

    public AgentProcess StartAgent(string name, string? key = null) => new(Url, name, key ?? AgentKey);

    public ValueTask DisposeAsync()
    {
        _process?.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>A real unit agent process with its own root directory.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly string _stationUrl;
    private readonly string _key;
    private ChildProcess? _process;

    public AgentProcess(string stationUrl, string name, string key)
    {
        _stationUrl = stationUrl;
        _key = key;
        Name = name;
        Directory = RepoPaths.NewTempDir("agent-" + name);
        Root = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "files")).FullName;
        Start();
    }

    public string Name { get; }
    public string Directory { get; }
    public string Root { get; }
    public string Output => _process?.Output ?? "";
    public int Pid => _process?.Pid ?? 0;

    public void Start()
    {
        _process?.Dispose();
        _process = new ChildProcess(RepoPaths.AgentDll,
            ["--station", _stationUrl, "--name", Name, "--key", _key, "--root", Root],
            new Dictionary<string, string> { ["Agent__MaxReconnectDelaySeconds"] = "2" }, Directory);
    }

    public void Kill() => _process?.Kill();

    public void Dispose()
    {
        _process?.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
