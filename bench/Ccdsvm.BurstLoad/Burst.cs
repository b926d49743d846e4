using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ccdsvm.BurstLoad;

/// <summary>
/// The mixed burst of issue 13: wrong-password logins, user creation, task submissions and task listings from
/// many clients at once, while one more client polls <c>/healthz</c>. Closed loop: each client sends its next
/// request when the last one was answered, so the station always has <see cref="BurstOptions.Concurrency"/> requests in hand.
/// </summary>
public static class Burst
{
    private const string Password = "burst-password-0123";
    private static readonly string[] Operations = ["login-wrong", "create-user", "submit-task", "list-tasks"];

    public static async Task<BurstResult> RunAsync(BurstOptions options, CancellationToken cancellationToken = default)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency + 4, SslOptions = { RemoteCertificateValidationCallback = options.Trust } };
        using var http = new HttpClient(handler) { BaseAddress = options.BaseUrl, Timeout = options.RequestTimeout };
        var token = await SignInAsync(http, options.AdminPassword, cancellationToken).ConfigureAwait(false);
        var run = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var victims = Enumerable.Range(0, options.Victims).Select(k => $"bv{run}-{k}").ToList();
        foreach (var victim in victims)
        {
            using var created = await SendAsync(http, HttpMethod.Post, "/api/v1/users", token, new { username = victim, password = Password }, cancellationToken).ConfigureAwait(false);
            if (created.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"creating {victim} before the burst: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }

        var result = new BurstResult();
        var clock = Stopwatch.StartNew();
        using var stopHealth = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var health = ProbeHealthAsync(options, result, clock, stopHealth.Token);
        var deadline = options.Duration;
        var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
        {
            for (int i = 0; clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested; i++)
            {
                string operation = Operations[(w + i) % Operations.Length];
                await OneAsync(http, result, operation, token, Request(operation, run, w, i, victims, options), cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        result.Elapsed = clock.Elapsed;
        await stopHealth.CancelAsync().ConfigureAwait(false);
        await health.ConfigureAwait(false);
        return result;
    }

    private static (HttpMethod Method, string Path, object? Body, bool Anonymous) Request(string operation, string run, int w, int i, List<string> victims, BurstOptions o) => operation switch
    {
        "login-wrong" => (HttpMethod.Post, "/api/v1/auth/token", new { username = victims[(w + i / Operations.Length) % victims.Count], password = "not-the-password" }, true),
        // One creation in eight names an account that exists: a refused auth.user task (409) audits its refusal.
        "create-user" => (HttpMethod.Post, "/api/v1/users", new { username = i % 8 == 1 ? victims[w % victims.Count] : $"bu{run}-{w}-{i}", password = Password }, false),
        "submit-task" => (HttpMethod.Post, "/api/v1/tasks", new
        {
            kind = "maintenance.hold", target = "station",
            parameters = new { resource = $"burst/{run}-{w}-{i}", seconds = o.HoldSeconds, reason = "burst load" },
        }, false),
        _ => (HttpMethod.Get, "/api/v1/tasks?limit=50", null, false),
    };

    private static async Task OneAsync(HttpClient http, BurstResult result, string operation, string token,
        (HttpMethod Method, string Path, object? Body, bool Anonymous) r, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(http, r.Method, r.Path, r.Anonymous ? null : token, r.Body, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            result.Record(operation, status.ToString(System.Globalization.CultureInfo.InvariantCulture), status >= 500 ? Trim(text) : null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result.Record(operation, "timeout", $"no answer within {http.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            result.Record(operation, "connection-error", ex.Message);
        }
    }

    private static async Task ProbeHealthAsync(BurstOptions options, BurstResult result, Stopwatch clock, CancellationToken stop)
    {
        // Its own connection: a probe never queues behind the burst's requests in the client.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, SslOptions = { RemoteCertificateValidationCallback = options.Trust } }) { BaseAddress = options.BaseUrl, Timeout = options.RequestTimeout };
        var lastAnswer = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            var started = clock.Elapsed;
            try
            {
                using var response = await http.GetAsync("/healthz", stop).ConfigureAwait(false);
                var took = clock.Elapsed - started;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    result.RecordHealth(took.TotalMilliseconds, null);
                    var gap = clock.Elapsed - lastAnswer;
                    if (gap > result.LongestHealthGap) result.LongestHealthGap = gap;
                    lastAnswer = clock.Elapsed;
                }
                else result.RecordHealth(took.TotalMilliseconds, $"{(int)response.StatusCode} after {took.TotalMilliseconds:0} ms: {Trim(await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false))}");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                result.RecordHealth(0, $"no answer after {(clock.Elapsed - started).TotalMilliseconds:0} ms: {ex.Message}");
            }
            try { await Task.Delay(options.HealthInterval, stop).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
    }

    private static async Task<string> SignInAsync(HttpClient http, string password, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/token", null, new { username = "admin", password }, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"signing in as admin: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("token").GetString()!;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        return http.SendAsync(request, cancellationToken);
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
