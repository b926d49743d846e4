using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>The station's public REST API, as a script would use it, with bounded waits.</summary>
public sealed class ApiClient(string baseUrl, Func<string>? diagnostics = null) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public string BaseUrl => baseUrl;

    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var r = await _http.GetAsync("/healthz");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"station at {baseUrl} not healthy within {timeout}. Output:\n{diagnostics?.Invoke()}");
    }

    public async Task LoginAsync(string user, string password)
    {
        var (status, body) = await PostAsync("/api/v1/auth/token", new { username = user, password });
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"login as {user} failed: {status} {body}");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, object body, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.Add(k, v);
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, string rawJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(rawJson, Encoding.UTF8, "application/json") };
        return await SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    private async Task<(HttpStatusCode, JsonElement)> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, body);
    }

    /// <summary>POST /api/v1/tasks and expect 202; returns the task.</summary>
    public async Task<JsonElement> SubmitAsync(string kind, string target, object parameters, double? waitSeconds = null)
    {
        var (status, body) = await PostAsync("/api/v1/tasks", new { kind, target, parameters, waitSeconds });
        if (status != HttpStatusCode.Accepted) throw new InvalidOperationException($"submit {kind} on {target}: {(int)status} {body}");
        return body;
    }

    public async Task<JsonElement> TaskAsync(long id)
    {
        var (status, body) = await GetAsync($"/api/v1/tasks/{id}");
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"GET task {id}: {(int)status} {body}");
        return body;
    }

    public async Task<JsonElement> WaitTaskAsync(long id, Func<JsonElement, bool> until, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            last = await TaskAsync(id);
            if (until(last)) return last;
            await Task.Delay(100);
        }
        throw new TimeoutException($"task {id} did not reach '{what}' within {timeout}; last: {last}\n{diagnostics?.Invoke()}");
    }

    public Task<JsonElement> WaitTaskStateAsync(long id, string state, TimeSpan timeout) =>
        WaitTaskAsync(id, t => t.GetProperty("state").GetString() == state, timeout, state);

    public Task<JsonElement> WaitEndedAsync(long id, TimeSpan timeout) =>
        WaitTaskAsync(id, t => t.GetProperty("endedAt").ValueKind != JsonValueKind.Null, timeout, "ended");

    public async Task WaitUnitStatusAsync(string unit, string status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var (code, units) = await GetAsync("/api/v1/units");
            if (code == HttpStatusCode.OK && units.EnumerateArray().Any(u => u.GetProperty("id").GetString() == unit && u.GetProperty("status").GetString() == status))
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"unit {unit} did not become {status} within {timeout}\n{diagnostics?.Invoke()}");
    }

    public void Dispose() => _http.Dispose();
}
