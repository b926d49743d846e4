using Ccdsvm.EndToEnd.Tests.Infrastructure;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// The 1 GiB moves and the agent kills of their cluster: alone, after the lanes. Tried as a lane of its own beside the
/// others, an agent of the cluster went offline under the load of the start and the tests after it were refused.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MoveProcessCollection : ICollectionFixture<MoveCluster>, ICollectionFixture<MoveRelayCluster>
{
    public const string Name = "Move processes";
}

/// <summary>The same cluster with <c>Transfers:Route=relay</c>: agents must pull through the station.</summary>
public sealed class MoveRelayCluster : MoveCluster
{
    protected override IEnumerable<(string Key, string Value)> StationSettings => [("Transfers__Route", "relay")];
}

/// <summary>
/// A real station process and two real agent processes (units "a" and "b"), each with its own root, for the
/// data.move tests. Everything lives under one temporary directory removed at the end.
/// </summary>
public class MoveCluster : IAsyncLifetime
{
    public const string Password = "Move-Test-Password-1!";
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Process> _agents = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _agentOutput = new();
    private Process? _station;

    public string Work { get; } = Path.Combine(Path.GetTempPath(), "ccdsvm-move-" + Guid.NewGuid().ToString("N")[..8]);
    public string RootA => Path.Combine(Work, "a");
    public string RootB => Path.Combine(Work, "b");
    public string StationUrl { get; private set; } = "";
    public HttpClient Http { get; } = new(TestTls.Handler()) { Timeout = TimeSpan.FromMinutes(5) };

    /// <summary>Extra station environment variables a derived cluster sets.</summary>
    protected virtual IEnumerable<(string Key, string Value)> StationSettings => [];

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ccdsvm.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Ccdsvm.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(RootA);
        Directory.CreateDirectory(RootB);
        int port = TestSupport.FreePort.Next();
        StationUrl = $"https://127.0.0.1:{port}";
        TestTls.Trust(Path.Combine(Work, "station"));
        string bin = Path.Combine(RepoRoot, "Console.Blazor", "bin", Configuration, "net10.0");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = bin, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(bin, "Console.Blazor.dll"));
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["ASPNETCORE_URLS"] = StationUrl;
        psi.Environment["Station__DataDirectory"] = Path.Combine(Work, "station");
        psi.Environment["Station__RecoveryGraceSeconds"] = "5";
        psi.Environment["Transfers__MaxUploadBytes"] = (64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["CCDSVM_ADMIN_PASSWORD"] = Password;
        psi.Environment["Agent__Roots__0"] = Path.Combine(Work, "station-root");
        // The agents of these tests run on this machine and announce loopback data planes; a derived cluster may turn it off.
        psi.Environment["Transfers__AllowLoopbackDataPlane"] = "true";
        foreach (var (k, v) in StationSettings) psi.Environment[k] = v;
        _station = Start(psi, new ConcurrentQueue<string>());
        await UntilAsync(async () => (await TryGet("/healthz")) == HttpStatusCode.OK, "the station to answer /healthz");

        var token = await Http.PostAsJsonAsync(StationUrl + "/api/v1/auth/token", new { username = "admin", password = Password });
        token.EnsureSuccessStatusCode();
        var t = (await token.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t);

        StartAgent("a", RootA, await EnrolmentTokenAsync("a"));
        StartAgent("b", RootB, await EnrolmentTokenAsync("b"));
        await UntilOnlineAsync("a");
        await UntilOnlineAsync("b");
    }

    /// <summary>A one-time enrolment token, created as admin.</summary>
    public async Task<string> EnrolmentTokenAsync(string unit)
    {
        var r = await Http.PostAsJsonAsync($"{StationUrl}/api/v1/enrolments", new { note = "move test " + unit });
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"creating an enrolment token: {r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return (await r.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    /// <summary>The station's signing key, read from its store as only its holder could: for forging nothing, but signing a genuine ticket a test crafts.</summary>
    public System.Security.Cryptography.ECDsa StationKey()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(Work, "station", "station.db")};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM settings WHERE key='station_key'";
        var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String((string)cmd.ExecuteScalar()!), out _);
        return key;
    }

    /// <summary>Starts the agent; with a token it enrols, without one it uses its state from an earlier start.</summary>
    public void StartAgent(string name, string root, string? token = null, IEnumerable<(string Key, string Value)>? environment = null)
    {
        string bin = Path.Combine(RepoRoot, "Unit.Agent", "bin", Configuration, "net10.0");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = [Path.Combine(bin, "Unit.Agent.dll"), "--station", StationUrl, "--name", name, "--root", root, "--state", Path.Combine(Work, "state-" + name), "--fingerprint", TestTls.Fingerprint(Path.Combine(Work, "station"))];
        if (token is not null) args = [.. args, "--enrol", token];
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) psi.Environment[k] = v;
        var output = _agentOutput.GetOrAdd(name, _ => new ConcurrentQueue<string>());
        _agents[name] = Start(psi, output);
    }

    public void KillAgent(string name)
    {
        if (_agents.TryRemove(name, out var p)) Stop(p);
    }

    /// <summary>The data-plane address the agent logged when its listener bound.</summary>
    public async Task<string> DataUrlOfAsync(string name)
    {
        string? url = null;
        await UntilAsync(() =>
        {
            url = _agentOutput[name].Reverse().Select(l => l.Split("announced as ", 2)).Where(p => p.Length == 2).Select(p => p[1].Trim()).FirstOrDefault();
            return Task.FromResult(url is not null);
        }, $"agent {name} to log its data-plane address");
        return url!;
    }

    public async Task UntilOnlineAsync(string unit) =>
        await UntilAsync(async () =>
        {
            var r = await Http.GetAsync($"{StationUrl}/api/v1/units/{unit}");
            return r.IsSuccessStatusCode && (await r.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>() == "online";
        }, $"unit {unit} to be online");

    public async Task<(HttpStatusCode Status, JsonObject Body)> SubmitAsync(object parameters, string target = "b")
    {
        var r = await Http.PostAsJsonAsync($"{StationUrl}/api/v1/tasks", new { kind = "data.move", target, parameters });
        return (r.StatusCode, (await r.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public async Task<long> SubmitOkAsync(object parameters, string target = "b")
    {
        var (status, body) = await SubmitAsync(parameters, target);
        Assert.True(status == HttpStatusCode.Accepted, $"submit refused: {status} {body.ToJsonString()}");
        return body["id"]!.GetValue<long>();
    }

    public async Task<JsonObject> TaskAsync(long id) =>
        (await Http.GetFromJsonAsync<JsonObject>($"{StationUrl}/api/v1/tasks/{id}"))!;

    public async Task<JsonObject> UntilEndedAsync(long id, TimeSpan? within = null)
    {
        JsonObject? task = null;
        await UntilAsync(async () =>
        {
            task = await TaskAsync(id);
            return task["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled" or "interrupted";
        }, $"task {id} to end", within ?? TimeSpan.FromMinutes(4));
        return task!;
    }

    public async Task<string> EventsTextAsync(long id) =>
        await Http.GetStringAsync($"{StationUrl}/api/v1/tasks/{id}/events");

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = Stopwatch.StartNew();
        var max = within ?? Wait;
        while (true)
        {
            try { if (await condition().WaitAsync(TimeSpan.FromSeconds(30))) return; }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException) { }
            if (limit.Elapsed > max) throw new TimeoutException($"gave up after {max.TotalSeconds:N0} s waiting for {what}");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var name in _agents.Keys) KillAgent(name);
        if (_station is not null) Stop(_station);
        Http.Dispose();
        await Task.Run(() => { try { Directory.Delete(Work, recursive: true); } catch (IOException) { } });
    }

    private async Task<HttpStatusCode?> TryGet(string path)
    {
        try { return (await Http.GetAsync(StationUrl + path)).StatusCode; }
        catch (HttpRequestException) { return null; }
    }

    private static Process Start(ProcessStartInfo psi, ConcurrentQueue<string> output)
    {
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + psi.FileName);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void Stop(Process p)
    {
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); p.WaitForExit(10_000); }
        catch (InvalidOperationException) { }
        p.Dispose();
    }
}
