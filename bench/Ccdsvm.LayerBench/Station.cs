using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ccdsvm.LayerBench;

/// <summary>One station's REST API as its admin: submit a task, read a task's state, count units, read one unit's status.</summary>
public sealed class Station : IDisposable
{
    private readonly HttpClient _http;

    public Station(string name, Uri baseUrl, string token)
    {
        Name = name;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string Name { get; }

    /// <summary>POST /api/v1/tasks; the new task's id (202), or an exception naming the answer.</summary>
    public async Task<long> SubmitAsync(string kind, string target, object parameters)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/tasks", new { kind, target, parameters }).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"{Name} refused the task: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false)).GetProperty("id").GetInt64();
    }

    /// <summary>The task's state and, when it failed, its error.</summary>
    public async Task<(string State, string? Error)> TaskStateAsync(long id)
    {
        var task = await _http.GetFromJsonAsync<JsonElement>($"/api/v1/tasks/{id}").ConfigureAwait(false);
        string state = task.GetProperty("state").GetString() ?? "?";
        return (state, task.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null);
    }

    /// <summary>How many units matching <paramref name="search"/> (and below <paramref name="parent"/> when given) are online.</summary>
    public async Task<int> OnlineAsync(string search, string? parent = null)
    {
        string query = $"/api/v1/units?status=online&limit=1&search={Uri.EscapeDataString(search)}" + (parent is null ? "" : $"&parent={Uri.EscapeDataString(parent)}");
        var page = await _http.GetFromJsonAsync<JsonElement>(query).ConfigureAwait(false);
        return page.GetProperty("total").GetInt32();
    }

    /// <summary>The unit's status (online, offline, …), or null while the station does not list it.</summary>
    public async Task<string?> UnitStatusAsync(string unit)
    {
        using var response = await _http.GetAsync(new Uri($"/api/v1/units/{Uri.EscapeDataString(unit)}", UriKind.Relative)).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false)).GetProperty("status").GetString();
    }

    public void Dispose() => _http.Dispose();
}
