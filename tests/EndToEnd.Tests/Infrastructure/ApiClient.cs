using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>An answer of the station's REST API: status, raw text and parsed JSON (if any).</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Text, JsonElement? Json, string? ContentType)
{
    public JsonElement Body => Json ?? throw new InvalidOperationException($"expected a JSON body, got {(int)Status}: {Text}");

    /// <summary>The problem+json <c>detail</c>, or the raw text.</summary>
    public string Detail => Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : Text;

    public override string ToString() => $"{(int)Status} {Status}: {Text}";
}

/// <summary>Calls the REST API with a bearer token; every call is bounded by <see cref="Timeouts.Request"/>.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    private ApiClient(Uri baseUrl, string? token)
    {
        _http = new HttpClient(TestTls.Handler()) { BaseAddress = baseUrl, Timeout = Timeouts.Request };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Token = token;
    }

    public string? Token { get; }

    public static ApiClient Anonymous(Uri baseUrl) => new(baseUrl, null);

    /// <summary>A client with a token obtained elsewhere (a named API token, a login with a one-time code).</summary>
    public static ApiClient WithToken(Uri baseUrl, string token) => new(baseUrl, token);

    public static async Task<ApiClient> SignInAsync(Uri baseUrl, string username, string password)
    {
        using var anonymous = Anonymous(baseUrl);
        var response = await anonymous.PostJsonAsync("/api/v1/auth/token", new { username, password });
        if (response.Status != HttpStatusCode.OK)
            throw new InvalidOperationException($"sign-in as {username} failed: {response}");
        return new ApiClient(baseUrl, response.Body.GetProperty("token").GetString());
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, path));

    public Task<ApiResponse> PutJsonAsync(string path, object? body) => SendAsync(new HttpRequestMessage(HttpMethod.Put, path)
    {
        Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
    });

    public Task<ApiResponse> PostJsonAsync(string path, object? body, IReadOnlyDictionary<string, string>? headers = null) =>
        PostRawAsync(path, body is null ? "" : JsonSerializer.Serialize(body, JsonSerializerOptions.Web), "application/json", headers);

    public Task<ApiResponse> PostRawAsync(string path, string body, string contentType, IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
        return SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            JsonElement? json = null;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.Ordinal))
            {
                try { json = JsonDocument.Parse(text).RootElement.Clone(); }
                catch (JsonException) { }
            }
            return new ApiResponse(response.StatusCode, text, json, response.Content.Headers.ContentType?.MediaType);
        }
    }

    /// <summary>POST /api/v1/tasks.</summary>
    public Task<ApiResponse> SubmitAsync(string kind, string target, object? parameters) =>
        PostJsonAsync("/api/v1/tasks", new { kind, target, parameters });

    /// <summary>POST /api/v1/tasks and expect 202; returns the task id.</summary>
    public async Task<long> StartAsync(string kind, string target, object? parameters)
    {
        var response = await SubmitAsync(kind, target, parameters);
        if (response.Status != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"submitting {kind} on {target} was refused: {response}");
        return response.Body.GetProperty("id").GetInt64();
    }

    public async Task<JsonElement> TaskAsync(long id)
    {
        var response = await GetAsync($"/api/v1/tasks/{id}");
        if (response.Status != HttpStatusCode.OK) throw new InvalidOperationException($"GET task {id}: {response}");
        return response.Body;
    }

    public static readonly string[] EndStates = ["succeeded", "failed", "cancelled", "interrupted"];

    /// <summary>Polls GET /api/v1/tasks/{id} until its state is one of <paramref name="states"/> (default: any end state).</summary>
    public async Task<JsonElement> WaitForStateAsync(long id, TimeSpan timeout, params string[] states)
    {
        if (states.Length == 0) states = EndStates;
        using var cts = new CancellationTokenSource(timeout);
        JsonElement last = default;
        while (!cts.IsCancellationRequested)
        {
            last = await TaskAsync(id);
            if (states.Contains(last.GetProperty("state").GetString())) return last;
            try { await Task.Delay(100, cts.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"task {id} did not reach [{string.Join(", ", states)}] within {timeout.TotalSeconds} s; last seen: {last}");
    }

    /// <summary>Polls GET /api/v1/units until <paramref name="unit"/> has <paramref name="status"/>.</summary>
    public async Task WaitUnitStatusAsync(string unit, string status, TimeSpan timeout, Func<string?>? abort = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        string last = "not listed";
        while (!cts.IsCancellationRequested)
        {
            if (abort?.Invoke() is { } reason) throw new InvalidOperationException(reason);
            var response = await GetAsync("/api/v1/units");
            if (response.Status == HttpStatusCode.OK)
            {
                var match = response.Body.EnumerateArray().FirstOrDefault(u => u.GetProperty("id").GetString() == unit);
                if (match.ValueKind == JsonValueKind.Object)
                {
                    last = match.GetProperty("status").GetString() ?? "?";
                    if (last == status) return;
                }
            }
            else
            {
                last = response.ToString();
            }
            try { await Task.Delay(200, cts.Token); }
            catch (OperationCanceledException) { break; }
        }
        throw new TimeoutException($"unit '{unit}' was not '{status}' within {timeout.TotalSeconds} s (last: {last})");
    }

    /// <summary>As an administrator: creates a user and grants them a role on a path (default: every unit).</summary>
    public async Task CreateUserAsync(string username, string password, string role, string path = "/units")
    {
        var created = await PostJsonAsync("/api/v1/users", new { username, password });
        Assert.True(created.Status == HttpStatusCode.Created, $"creating {username}: {created}");
        var granted = await SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/acl") { Content = JsonContent.Create(new { path, subject = username, role }) });
        Assert.True(granted.Status == HttpStatusCode.OK, $"granting {role} on {path} to {username}: {granted}");
    }

    /// <summary>POST /api/v1/enrolments (as an administrator) and return the one-time token.</summary>
    public async Task<string> CreateEnrolmentTokenAsync(string? note = null, int? expiresInMinutes = null)
    {
        var response = await PostJsonAsync("/api/v1/enrolments", new { note, expiresInMinutes });
        if (response.Status != HttpStatusCode.Created)
            throw new InvalidOperationException($"creating an enrolment token was refused: {response}");
        return response.Body.GetProperty("token").GetString()!;
    }

    /// <summary>Enrols <paramref name="unit"/> as an agent would (a token, then the anonymous redeem) and returns its credential.</summary>
    public async Task<string> EnrolCredentialAsync(string unit)
    {
        string token = await CreateEnrolmentTokenAsync($"e2e {unit}");
        var response = await PostJsonAsync(Shared.Contracts.EnrolmentRoutes.Redeem, new { token, unit });
        if (response.Status != HttpStatusCode.OK)
            throw new InvalidOperationException($"redeeming the enrolment token for {unit} was refused: {response}");
        return response.Body.GetProperty("credential").GetString()!;
    }

    public void Dispose() => _http.Dispose();
}
