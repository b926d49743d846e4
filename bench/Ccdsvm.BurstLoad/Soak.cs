using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ccdsvm.BurstLoad;

/// <summary>What the soak runs: <see cref="Users"/> operators, each keeping <see cref="TasksPerUser"/> tasks in flight on <see cref="Units"/>.</summary>
/// <param name="Units">Unit id and that unit's root directory (tasks read and list there).</param>
public sealed record SoakOptions(Uri BaseUrl, string AdminPassword, int StationPid, IReadOnlyList<(string Unit, string Root)> Units, int Users, int TasksPerUser, TimeSpan Duration)
{
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// How long one task may take from submission to its end. With 500 tasks in flight on a station of 32 slots a task
    /// queues for in-flight ÷ throughput (half a minute on a busy 2-core machine): generous, it catches a task that never ends.
    /// </summary>
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Issue 16 point 4: many users each keep a number of mixed tasks (maintenance.hold, fs.list, fs.checksum) in flight
/// against one station and its units, while the station's RSS, open handles and threads are sampled.
/// </summary>
public static class Soak
{
    private const string Password = "soak-password-0123456";

    public static async Task<SoakResult> RunAsync(SoakOptions o, CancellationToken cancellationToken = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = o.Users * o.TasksPerUser + 8 };
        using var http = new HttpClient(handler) { BaseAddress = o.BaseUrl, Timeout = o.RequestTimeout };
        string admin = await TokenAsync(http, "admin", o.AdminPassword, cancellationToken).ConfigureAwait(false);
        string run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        foreach (var (_, root) in o.Units) await File.WriteAllTextAsync(Path.Combine(root, "soak.txt"), new string('s', 4096), cancellationToken).ConfigureAwait(false);
        var tokens = new List<string>();
        for (int u = 0; u < o.Users; u++)
        {
            string name = $"soak{run}-{u}";
            await ExpectAsync(http, HttpMethod.Post, "/api/v1/users", admin, new { username = name, password = Password }, cancellationToken).ConfigureAwait(false);
            await ExpectAsync(http, HttpMethod.Put, "/api/v1/acl", admin, new { path = "/units", subject = name, role = "Operator" }, cancellationToken).ConfigureAwait(false);
            tokens.Add(await TokenAsync(http, name, Password, cancellationToken).ConfigureAwait(false));
        }

        var result = new SoakResult { WarmUp = o.WarmUp };
        var clock = Stopwatch.StartNew();
        using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sampler = SampleAsync(o, result, clock, stopSampling.Token);
        var workers = Enumerable.Range(0, o.Users * o.TasksPerUser).Select(w => Task.Run(async () =>
        {
            for (int i = 0; clock.Elapsed < o.Duration && !cancellationToken.IsCancellationRequested; i++)
                await OneTaskAsync(http, o, result, tokens[w / o.TasksPerUser], Request(o, run, w, i), cancellationToken).ConfigureAwait(false);
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        result.Elapsed = clock.Elapsed;
        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        return result;
    }

    private static object Request(SoakOptions o, string run, int w, int i)
    {
        var (unit, root) = o.Units[(w + i) % o.Units.Count];
        return ((w + i) % 3) switch
        {
            0 => new { kind = "maintenance.hold", target = unit, parameters = new { resource = $"disks/soak-{run}-{w}-{i}", seconds = 1 + (i % 3), reason = "soak" } },
            1 => new { kind = "fs.list", target = unit, parameters = new { path = root } },
            _ => new { kind = "fs.checksum", target = unit, parameters = new { path = Path.Combine(root, "soak.txt") } },
        };
    }

    private static async Task OneTaskAsync(HttpClient http, SoakOptions o, SoakResult result, string token, object body, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var submitted = await SendAsync(http, HttpMethod.Post, "/api/v1/tasks", token, body, ct).ConfigureAwait(false);
            string text = await submitted.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!submitted.IsSuccessStatusCode) { result.Error($"submit {(int)submitted.StatusCode}: {Trim(text)}"); await Task.Delay(500, ct).ConfigureAwait(false); return; }
            long id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
            var until = Stopwatch.GetElapsedTime(started) + o.TaskTimeout;
            while (Stopwatch.GetElapsedTime(started) < until)
            {
                await Task.Delay(250, ct).ConfigureAwait(false);
                using var polled = await SendAsync(http, HttpMethod.Get, $"/api/v1/tasks/{id}", token, null, ct).ConfigureAwait(false);
                string state = await polled.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (!polled.IsSuccessStatusCode) { result.Error($"poll {(int)polled.StatusCode}: {Trim(state)}"); return; }
                string? s = JsonDocument.Parse(state).RootElement.GetProperty("state").GetString();
                if (s == "succeeded") { result.Done(Stopwatch.GetElapsedTime(started).TotalMilliseconds); return; }
                if (s is "failed" or "cancelled" or "interrupted") { result.Error($"task {id} {s}: {Trim(state)}"); return; }
            }
            result.Error($"task {id} not ended within {o.TaskTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (TaskCanceledException) { result.Error($"request not answered within {o.RequestTimeout.TotalSeconds:0} s"); }
        catch (HttpRequestException ex) { result.Error("connection: " + ex.Message); }
    }

    private static async Task SampleAsync(SoakOptions o, SoakResult result, Stopwatch clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var status = await File.ReadAllLinesAsync($"/proc/{o.StationPid}/status", stop).ConfigureAwait(false);
                long Field(string name) => long.Parse(status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(':', ' ', '\t').Where(x => x.Length > 0).ElementAt(1), System.Globalization.CultureInfo.InvariantCulture);
                int handles = Directory.GetFiles($"/proc/{o.StationPid}/fd").Length;
                result.Sample(clock.Elapsed, Field("VmRSS:") / 1024.0, handles, Field("Threads:"));
            }
            catch (OperationCanceledException) { break; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            try { await Task.Delay(o.SampleInterval, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
    }

    private static async Task<string> TokenAsync(HttpClient http, string user, string password, CancellationToken ct)
    {
        using var response = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/token", null, new { username = user, password }, ct).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"signing in as {user}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    private static async Task ExpectAsync(HttpClient http, HttpMethod method, string path, string token, object body, CancellationToken ct)
    {
        using var response = await SendAsync(http, method, path, token, body, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        return http.SendAsync(request, ct);
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
