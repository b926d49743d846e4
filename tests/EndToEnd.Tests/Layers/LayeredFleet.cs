using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>What <see cref="LayeredFleet.StartAsync"/> sets up besides the defaults.</summary>
public sealed record LayeredFleetOptions
{
    /// <summary>Mid-1 reaches the top through a <see cref="CuttableLink"/> (<see cref="LayeredFleet.Uplink"/>) that a test can cut and restore.</summary>
    public bool CuttableUplink { get; init; }

    /// <summary>Extra environment for all three stations (e.g. Station__RecoveryGraceSeconds), applied before the upstream keys.</summary>
    public IReadOnlyDictionary<string, string> StationEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra environment for u7's agent (e.g. Agent__TerminalAccounts__0).</summary>
    public IReadOnlyDictionary<string, string>? U7Environment { get; init; }
}

/// <summary>
/// Three levels of real station processes (README, "Layered stations"): <see cref="Top"/>; <see cref="Mid1"/> enrolled at
/// the top as unit <c>mid-1</c> of kind station; <see cref="Mid2"/> enrolled at mid-1 as <c>mid-2</c>; a real unit agent
/// <c>u3</c> at mid-1 and <c>u7</c> at mid-2, each with its own root. Everything started is stopped and its temp
/// directories removed on dispose, also when the start failed half way.
/// </summary>
public sealed class LayeredFleet : IAsyncDisposable
{
    public const string Mid1Name = "mid-1";
    public const string Mid2Name = "mid-2";
    public const string U3Name = "u3";
    public const string U7Name = "u7";
    private const int TailChars = 3000;

    private readonly LayeredFleetOptions _options;
    private readonly List<ApiClient> _admins = [];
    private readonly List<(string Step, TimeSpan At)> _steps = [];
    private readonly Stopwatch _clock = new();
    private StationProcess? _top, _mid1, _mid2;
    private AgentProcess? _u3, _u7;
    private ApiClient? _topAdmin, _mid1Admin, _mid2Admin;

    private LayeredFleet(LayeredFleetOptions options) => _options = options;

    public StationProcess Top => _top ?? throw NotStarted(nameof(Top));

    /// <summary>Unit <c>mid-1</c> (kind station) of <see cref="Top"/>.</summary>
    public StationProcess Mid1 => _mid1 ?? throw NotStarted(nameof(Mid1));

    /// <summary>Unit <c>mid-2</c> (kind station) of <see cref="Mid1"/>.</summary>
    public StationProcess Mid2 => _mid2 ?? throw NotStarted(nameof(Mid2));

    /// <summary>The agent of unit <c>u7</c>, enrolled at <see cref="Mid2"/>.</summary>
    public AgentProcess U7 => _u7 ?? throw NotStarted(nameof(U7));

    /// <summary>The agent of unit <c>u3</c>, enrolled at <see cref="Mid1"/>.</summary>
    public AgentProcess U3 => _u3 ?? throw NotStarted(nameof(U3));

    /// <summary>The directory u7 allows file work in (read and write).</summary>
    public string U7Root => U7.Root;

    /// <summary>The directory u3 allows file work in (read and write).</summary>
    public string U3Root => U3.Root;

    public ApiClient TopAdmin => _topAdmin ?? throw NotStarted(nameof(TopAdmin));

    public ApiClient Mid1Admin => _mid1Admin ?? throw NotStarted(nameof(Mid1Admin));

    public ApiClient Mid2Admin => _mid2Admin ?? throw NotStarted(nameof(Mid2Admin));

    /// <summary>The link mid-1 → top when <see cref="LayeredFleetOptions.CuttableUplink"/> was set, else null.</summary>
    public CuttableLink? Uplink { get; private set; }

    /// <summary>How long <see cref="StartAsync"/> took, until <see cref="WaitReadyAsync"/> returned.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>When each step of the start ended, counted from its beginning ("top healthy", "mid-1 healthy", …, "ready").</summary>
    public IReadOnlyList<(string Step, TimeSpan At)> StartSteps => _steps;

    private void Step(string step) => _steps.Add((step, _clock.Elapsed));

    /// <summary>Starts the fleet and waits until it is ready (<see cref="WaitReadyAsync"/>); on failure disposes what was started.</summary>
    /// <summary>Starts a fleet, runs <paramref name="body"/> on it, and writes every process's output tail when it fails.</summary>
    public static async Task RunAsync(Xunit.Abstractions.ITestOutputHelper output, LayeredFleetOptions? options, Func<LayeredFleet, Task> body)
    {
        await using var fleet = await StartAsync(options);
        output.WriteLine($"fleet started in {fleet.StartDuration.TotalSeconds:0.0} s");
        try
        {
            await body(fleet);
        }
        catch
        {
            output.WriteLine(fleet.OutputTails());
            throw;
        }
    }

    public static async Task<LayeredFleet> StartAsync(LayeredFleetOptions? options = null)
    {
        var fleet = new LayeredFleet(options ?? new LayeredFleetOptions());
        var clock = fleet._clock;
        clock.Start();
        try
        {
            await fleet.StartProcessesAsync();
            await fleet.WaitReadyCoreAsync();
            fleet.Step("ready");
            fleet.StartDuration = clock.Elapsed;
            return fleet;
        }
        catch (Exception ex)
        {
            string tails = fleet.OutputTails();
            await fleet.DisposeAsync();
            throw new InvalidOperationException($"the layered fleet did not start within {clock.Elapsed.TotalSeconds:0.0} s: {ex.Message}\n{tails}", ex);
        }
    }

    private async Task StartProcessesAsync()
    {
        _top = await StationProcess.StartAsync(Settings(null));
        Step("top healthy");
        _topAdmin = Keep(await _top.AdminAsync());
        string midToken = await _topAdmin.CreateEnrolmentTokenAsync($"e2e {Mid1Name}", expiresInMinutes: 30);
        if (_options.CuttableUplink) Uplink = new CuttableLink(_top.BaseUrl);
        _mid1 = await StationProcess.StartAsync(Settings(Upstream(Uplink?.Url ?? _top.BaseUrl, Mid1Name, _top.Fingerprint, midToken, TopLabel)));
        Step($"{Mid1Name} healthy");
        _mid1Admin = Keep(await _mid1.AdminAsync());

        // Mid-2 and u3 both need only mid-1: started side by side.
        string mid2Token = await _mid1Admin.CreateEnrolmentTokenAsync($"e2e {Mid2Name}", expiresInMinutes: 30);
        string u3Token = await _mid1Admin.CreateEnrolmentTokenAsync($"e2e {U3Name}", expiresInMinutes: 30);
        var mid2 = StationProcess.StartAsync(Settings(Upstream(_mid1.BaseUrl, Mid2Name, _mid1.Fingerprint, mid2Token, Mid1Name)));
        var u3 = AgentProcess.StartAsync(_mid1, U3Name, u3Token, waitOnline: false);
        try { await Task.WhenAll(mid2, u3); }
        finally
        {
            if (mid2.IsCompletedSuccessfully) _mid2 = mid2.Result;
            if (u3.IsCompletedSuccessfully) _u3 = u3.Result;
        }

        Step($"{Mid2Name} healthy, {U3Name} launched");
        _mid2Admin = Keep(await _mid2!.AdminAsync());
        string u7Token = await _mid2Admin.CreateEnrolmentTokenAsync($"e2e {U7Name}", expiresInMinutes: 30);
        _u7 = await AgentProcess.StartAsync(_mid2, U7Name, u7Token, waitOnline: false, environment: _options.U7Environment);
        Step($"{U7Name} launched");
    }

    /// <summary>
    /// Waits (each at most <see cref="Timeouts.UnitOnline"/>, all at once) until mid-1 is online at the top and mid-2 at
    /// mid-1, both as kind station; u7 is online at mid-2 and u3 at mid-1; and both mids' /healthz show their uplink
    /// connected. A process that exits ends the wait at once. The exception names every condition not met, with the
    /// processes' output tails.
    /// </summary>
    public async Task WaitReadyAsync()
    {
        try { await WaitReadyCoreAsync(); }
        catch (TimeoutException ex) { throw new TimeoutException($"{ex.Message}\n{OutputTails()}", ex); }
    }

    private async Task WaitReadyCoreAsync()
    {
        var conditions = new[]
        {
            WaitUnitAsync(TopAdmin, Mid1Name, "online", "station"),
            WaitUnitAsync(Mid1Admin, Mid2Name, "online", "station"),
            WaitUnitAsync(Mid2Admin, U7Name, "online", "unit"),
            WaitUnitAsync(Mid1Admin, U3Name, "online", "unit"),
            WaitUplinkAsync(Mid1, "connected"),
            WaitUplinkAsync(Mid2, "connected"),
        };
        var all = Task.WhenAll(conditions);
        try { await all; }
        catch (Exception) when (all.Exception is { } failed)
        {
            string reasons = string.Join("\n", failed.InnerExceptions.Select(e => "- " + e.Message.Split('\n')[0]));
            // Each reason's first line only, and no inner exception: the output tails are added once, by the caller.
            throw new TimeoutException($"the layered fleet was not ready:\n{reasons}");
        }
    }

    /// <summary>
    /// Polls GET /api/v1/units/{unit} on <paramref name="station"/> until it shows <paramref name="status"/> (and
    /// <paramref name="kind"/> when given); at most <paramref name="timeout"/> (default <see cref="Timeouts.UnitOnline"/>).
    /// Ends early, with the output tails, when a process of the fleet has exited.
    /// </summary>
    public async Task WaitUnitAsync(ApiClient station, string unit, string status, string? kind = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(station);
        var limit = timeout ?? Timeouts.UnitOnline;
        var deadline = DateTime.UtcNow + limit;
        string last = "not listed";
        while (true)
        {
            if (Exited() is { } exited) throw new InvalidOperationException($"waiting for unit '{unit}' to be {status}: {exited}");
            var response = await TryGetAsync(station, $"/api/v1/units/{unit}");
            if (response is null)
            {
                last = "no answer";
            }
            else if (response.Status == HttpStatusCode.OK)
            {
                string? seenStatus = response.Body.GetProperty("status").GetString(), seenKind = response.Body.GetProperty("kind").GetString();
                if (seenStatus == status && (kind is null || seenKind == kind)) return;
                last = $"{seenStatus}, kind {seenKind}";
            }
            else
            {
                last = response.ToString();
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"unit '{unit}' was not {status}{(kind is null ? "" : " as kind " + kind)} within {limit.TotalSeconds} s (last: {last})");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Polls <paramref name="station"/>'s /healthz (which must answer 200) until its uplink is in <paramref name="state"/>
    /// (connected, connecting, refused, …); at most <paramref name="timeout"/> (default <see cref="Timeouts.UnitOnline"/>).
    /// Answers the uplink detail it shows.
    /// </summary>
    public async Task<string> WaitUplinkAsync(StationProcess station, string state, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(station);
        var limit = timeout ?? Timeouts.UnitOnline;
        var deadline = DateTime.UtcNow + limit;
        using var anonymous = ApiClient.Anonymous(station.BaseUrl);
        string last = "no answer yet";
        while (true)
        {
            if (Exited() is { } exited) throw new InvalidOperationException($"waiting for the uplink of {station.BaseUrl} to be {state}: {exited}");
            var health = await TryGetAsync(anonymous, "/healthz");
            if (health is null)
            {
                last = "no answer";
            }
            else if (health.Status == HttpStatusCode.OK && health.Json is { ValueKind: JsonValueKind.Object } body)
            {
                if (body.GetProperty("uplink").GetString() == state) return body.GetProperty("uplinkDetail").GetString() ?? "";
                last = health.Text;
            }
            else
            {
                last = health.ToString();
            }
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"the uplink of {station.BaseUrl} was not {state} within {limit.TotalSeconds} s (last /healthz: {last})");
            await Task.Delay(200);
        }
    }

    /// <summary>GET, or null when the station does not answer (restarting, or the request timed out).</summary>
    private static async Task<ApiResponse?> TryGetAsync(ApiClient client, string path)
    {
        try { return await client.GetAsync(path); }
        catch (HttpRequestException) { return null; }
        catch (TaskCanceledException) { return null; }
    }

    /// <summary>The last few thousand characters each started process printed, for a failure message.</summary>
    public string OutputTails()
    {
        var text = new StringBuilder();
        foreach (var (name, output) in Started())
        {
            string tail = output.Length <= TailChars ? output : "…" + output[^TailChars..];
            text.Append("--- ").Append(name).Append(" (last ").Append(TailChars).Append(" characters) ---\n").Append(tail).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Which started process has exited, with the output tails; null while all run.</summary>
    private string? Exited()
    {
        var gone = new List<string>();
        if (_top is { HasExited: true }) gone.Add("top");
        if (_mid1 is { HasExited: true }) gone.Add(Mid1Name);
        if (_mid2 is { HasExited: true }) gone.Add(Mid2Name);
        if (_u3 is { HasExited: true }) gone.Add(U3Name);
        if (_u7 is { HasExited: true }) gone.Add(U7Name);
        return gone.Count == 0 ? null : $"{string.Join(", ", gone)} exited\n{OutputTails()}";
    }

    private IEnumerable<(string Name, string Output)> Started()
    {
        if (_top is not null) yield return ("top", _top.Output);
        if (_mid1 is not null) yield return (Mid1Name, _mid1.Output);
        if (_mid2 is not null) yield return (Mid2Name, _mid2.Output);
        if (_u3 is not null) yield return (U3Name, _u3.Output);
        if (_u7 is not null) yield return (U7Name, _u7.Output);
    }

    private StationSettings Settings(IReadOnlyDictionary<string, string>? upstream)
    {
        var env = new Dictionary<string, string>(_options.StationEnvironment);
        foreach (var (key, value) in upstream ?? new Dictionary<string, string>()) env[key] = value;
        return new StationSettings { Environment = env };
    }

    /// <summary>What mid-1 calls the top station in its users' names (admin@top); mid-2 calls mid-1 by its name.</summary>
    public const string TopLabel = "top";

    private static Dictionary<string, string> Upstream(Uri url, string name, string fingerprint, string token, string label) => new()
    {
        ["Station__Upstream__Label"] = label,
        ["Station__Upstream__Url"] = url.ToString().TrimEnd('/'),
        ["Station__Upstream__Name"] = name,
        ["Station__Upstream__Fingerprint"] = fingerprint,
        ["Station__Upstream__EnrolmentToken"] = token,
    };

    private ApiClient Keep(ApiClient client)
    {
        _admins.Add(client);
        return client;
    }

    private static InvalidOperationException NotStarted(string what) => new($"{what} of the layered fleet is not started");

    /// <summary>Kills every process started (side by side), closes the link and removes the temp directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var admin in _admins) admin.Dispose();
        _admins.Clear();
        var processes = new List<IAsyncDisposable?> { _u7, _u3, _mid2, _mid1, _top }.OfType<IAsyncDisposable>();
        await Task.WhenAll(processes.Select(p => Task.Run(async () => await p.DisposeAsync())));
        _u7 = null;
        _u3 = null;
        _mid2 = null;
        _mid1 = null;
        _top = null;
        if (Uplink is not null) await Uplink.DisposeAsync();
        Uplink = null;
    }
}
