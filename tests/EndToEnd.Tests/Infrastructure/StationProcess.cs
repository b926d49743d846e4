using System.Net;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

public sealed record StationSettings
{
    public string AdminPassword { get; init; } = "admin-password-e2e-" + Guid.NewGuid().ToString("N")[..8];
    public int? MaxTasks { get; init; }
    public int? RecoveryGraceSeconds { get; init; }
    public bool EmbeddedAgent { get; init; } = true;

    /// <summary>An existing data directory to start on (a restored one); the station does not delete it. Default: a fresh temp directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The loopback port to listen on (another station's, so its agents reconnect). Default: a free one.</summary>
    public int? Port { get; init; }

    /// <summary>Serve plain HTTP (Station:AllowInsecureHttp=true) instead of the default HTTPS.</summary>
    public bool PlainHttp { get; init; }

    /// <summary>Extra environment for the station process (its embedded agent reads the Agent__ keys), applied last.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The real station process (Console.Blazor.dll from bin, Development environment so static web assets are
/// served) on a free loopback port, with its own data directory, working directory and root for its own unit.
/// </summary>
public sealed class StationProcess : IAsyncDisposable
{
    private readonly TempDir _work = new("station-work");
    private readonly TempDir? _data;
    private readonly TempDir _root = new("station-root");
    private ManagedProcess? _process;

    private StationProcess(StationSettings settings)
    {
        Settings = settings;
        if (settings.DataDirectory is null) _data = new TempDir("station-data");
        Port = settings.Port ?? FreePort.Next();
        BaseUrl = new Uri($"{(settings.PlainHttp ? "http" : "https")}://127.0.0.1:{Port}");
        TestTls.Trust(DataDirectory);
    }

    public StationSettings Settings { get; private set; }
    public int Port { get; }
    public Uri BaseUrl { get; }
    public string AdminPassword => Settings.AdminPassword;

    /// <summary>The station's store directory (station.db), for reading what the API does not show yet.</summary>
    public string DataDirectory => Settings.DataDirectory ?? _data!.Path;

    public string DatabasePath => Path.Combine(DataDirectory, "station.db");

    /// <summary>The SHA-256 fingerprint of the station's CA, as its agents pin it (--fingerprint).</summary>
    public string Fingerprint => TestTls.Fingerprint(DataDirectory);

    /// <summary>The directory the station's own unit (<c>station</c>) allows file work in.</summary>
    public string StationRoot => _root.Path;

    public string Output => _process?.Output ?? "(not started)";

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>The station's process id, for reading /proc/PID (memory, open files).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the station is not started");

    /// <summary>Completes when the station prints a line containing <paramref name="needle"/> (or already did); never times out by itself.</summary>
    public Task OutputSeen(string needle) =>
        (_process ?? throw new InvalidOperationException("the station is not started")).WaitForOutputAsync(needle, Timeout.InfiniteTimeSpan);

    /// <summary>Starts the station and waits until /healthz answers 200; on failure everything is cleaned up.</summary>
    public static async Task<StationProcess> StartAsync(StationSettings? settings = null)
    {
        var station = new StationProcess(settings ?? new StationSettings());
        try
        {
            station.Start();
            await station.WaitHealthyAsync(Timeouts.Startup);
            return station;
        }
        catch (Exception ex)
        {
            var output = station.Output;
            await station.DisposeAsync();
            throw new InvalidOperationException($"the station did not become healthy: {ex.Message}\n--- station output ---\n{output}", ex);
        }
    }

    private void Start()
    {
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/'),
            ["Station__DataDirectory"] = DataDirectory,
            ["CCDSVM_ADMIN_PASSWORD"] = Settings.AdminPassword,
            ["Agent__Roots__0"] = _root.Path,
            ["Station__EmbeddedAgent"] = Settings.EmbeddedAgent ? "true" : "false",
            // The tests' agents run on this machine and announce loopback data planes.
            ["Transfers__AllowLoopbackDataPlane"] = "true",
        };
        if (Settings.PlainHttp) env["Station__AllowInsecureHttp"] = "true";
        if (Settings.MaxTasks is { } max) env["Station__MaxTasks"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Settings.RecoveryGraceSeconds is { } grace) env["Station__RecoveryGraceSeconds"] = grace.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in Settings.Environment) env[key] = value;
        _process = new ManagedProcess("station", RepoPaths.StationDll, [], env, _work.Path);
    }

    /// <summary>
    /// Starts a station that is expected to refuse to start (a store it must not open); waits for it to exit and
    /// answers its exit code and output.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> StartExpectingExitAsync(StationSettings settings, TimeSpan timeout)
    {
        await using var station = new StationProcess(settings);
        station.Start();
        int code = await station._process!.WaitForExitAsync(timeout);
        return (code, station.Output);
    }

    /// <summary>Kills the station (SIGKILL) and keeps its directories, so its store can be read, backed up or restored.</summary>
    public void Stop()
    {
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Polls GET /healthz until it answers 200, the process exits, or the timeout passes.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        using var cts = new CancellationTokenSource(timeout);
        string last = "no answer yet";
        while (true)
        {
            if (_process is null || _process.HasExited) throw new InvalidOperationException($"the station process exited ({last})");
            try
            {
                using var response = await http.GetAsync("/healthz", cts.Token);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"/healthz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            catch (TaskCanceledException) when (!cts.IsCancellationRequested) { last = "/healthz timed out"; }
            catch (OperationCanceledException) when (cts.IsCancellationRequested) { break; }
            try { await Task.Delay(200, cts.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"/healthz did not answer 200 within {timeout.TotalSeconds} s (last: {last})");
    }

    /// <summary>An API client signed in as admin.</summary>
    public Task<ApiClient> AdminAsync() => ApiClient.SignInAsync(BaseUrl, "admin", Settings.AdminPassword);

    /// <summary>
    /// Starts a standalone agent process that enrols with a one-time token created through the REST API as
    /// admin (or with <paramref name="token"/> when given), then connects with its own credential.
    /// </summary>
    public async Task<AgentProcess> StartAgentAsync(string name, bool waitOnline = true, string? token = null, IReadOnlyDictionary<string, string>? environment = null,
        string? netns = null, Uri? stationUrl = null)
    {
        if (token is null)
        {
            using var admin = await AdminAsync();
            token = await admin.CreateEnrolmentTokenAsync($"e2e {name}");
        }
        return await AgentProcess.StartAsync(this, name, token, waitOnline, environment, netns, stationUrl);
    }

    /// <summary>
    /// Stops the station (SIGKILL) and starts it again on the same store and port; waits for /healthz. With
    /// <paramref name="environment"/>, that is its extra environment from now on (instead of the one it started with).
    /// </summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        if (environment is not null) Settings = Settings with { Environment = environment };
        _process?.Dispose();
        _process = null;
        Start();
        await WaitHealthyAsync(Timeouts.Startup);
    }

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        await Task.Yield();
        _root.Dispose();
        _data?.Dispose();
        _work.Dispose();
    }
}
