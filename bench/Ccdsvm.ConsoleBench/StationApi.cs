using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.ConsoleBench;

/// <summary>What the bench expects to see, read from the station's REST API (the same directory the page reads).</summary>
public sealed class StationApi : IDisposable
{
    private readonly HttpClient _http;

    private StationApi(HttpClient http) => _http = http;

    public static async Task<StationApi> SignInAsync(Uri station, string user, string password, string? fingerprint)
    {
        var handler = new SocketsHttpHandler();
        if (station.Scheme == "https")
        {
            if (fingerprint is null) throw new ArgumentException("an https station needs --fingerprint (its certificate's SHA-256)");
            handler.SslOptions.RemoteCertificateValidationCallback = CertificatePins.Validator([CertificatePins.Normalize(fingerprint, out _)!]);
        }
        var http = new HttpClient(handler) { BaseAddress = station, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password }).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
            http.DefaultRequestHeaders.Authorization = new("Bearer", body.GetProperty("token").GetString());
            return new StationApi(http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>GET /api/v1/units with a query; the body (items, total).</summary>
    public async Task<JsonElement> UnitsAsync(string query) =>
        await _http.GetFromJsonAsync<JsonElement>("/api/v1/units?" + query).ConfigureAwait(false);

    public async Task<int> TotalAsync(string query) => (await UnitsAsync(query + "&limit=1").ConfigureAwait(false)).GetProperty("total").GetInt32();

    public void Dispose() => _http.Dispose();
}
