using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Pulls from a source unit's data plane, either directly or through the station's relay; the same routes,
/// the same ticket. Refusals (4xx) become <see cref="TaskFailureException"/>; connection trouble and 5xx stay
/// <see cref="HttpRequestException"/> so the caller may retry and resume. The ticket is single-use: the source
/// answers its first use with a session secret (<see cref="TransferSession"/>, shared by the direct and the relayed
/// client of one transfer) that every later request carries.
/// </summary>
public sealed class SourceClient(HttpClient http, string baseUrl, string ticket, bool relayed, TransferSession? session = null)
{
    private readonly TransferSession _session = session ?? new TransferSession();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>One connection pool for every transfer; no overall timeout, each call bounds its own wait.</summary>
    public static readonly HttpClient SharedHttp = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public bool Relayed => relayed;
    public string BaseUrl => baseUrl;

    public Task<DataEntry> StatAsync(string path, CancellationToken ct) => GetJsonAsync<DataEntry>(DataPlaneRoutes.Stat, path, ct);

    public Task<List<DataEntry>> TreeAsync(string path, CancellationToken ct) => GetJsonAsync<List<DataEntry>>(DataPlaneRoutes.Tree, path, ct, TimeSpan.FromMinutes(5));

    public Task<DataHash> HashAsync(string path, CancellationToken ct) => GetJsonAsync<DataHash>(DataPlaneRoutes.Hash, path, ct, TimeSpan.FromHours(6));

    /// <summary>Opens the file from <paramref name="offset"/>; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, long offset, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, DataPlaneRoutes.File, path);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        var response = await SendAsync(request, RequestTimeout, ct).ConfigureAwait(false);
        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            response.Dispose();
            throw new TaskFailureException($"the source did not honour a resume at byte {offset:N0} (HTTP {(int)response.StatusCode})");
        }
        return response;
    }

    /// <summary>Opens the bundle of the small files of the tree at <paramref name="path"/>, from the <paramref name="skip"/>th on; the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> OpenBundleAsync(string path, int skip, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, DataPlaneRoutes.Bundle, path, skip > 0 ? $"&skip={skip}" : "");
        return await SendAsync(request, RequestTimeout, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks, through the relay, the station the source is connected to for a direct pull (<see cref="DataPlaneRoutes.Direct"/>),
    /// naming <paramref name="ownCa"/> (base64url DER), the CA of this unit's station. The offer, or the status and reason
    /// it was not given: a refusal (403) stands for the copy too; anything else only means no direct pull.
    /// </summary>
    public async Task<(DirectSource? Offer, int Status, string Reason)> DirectOfferAsync(string path, string? ownCa, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, DataPlaneRoutes.Direct, path, string.IsNullOrEmpty(ownCa) ? "" : $"&peerCa={ownCa}");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(RequestTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, limit.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return (null, (int)response.StatusCode, await ProblemDetail(response, limit.Token).ConfigureAwait(false));
            var offer = await response.Content.ReadFromJsonAsync<DirectSource>(Json, limit.Token).ConfigureAwait(false);
            return offer?.Problem() is null && offer is not null ? (offer, 200, "") : (null, 502, offer?.Problem() ?? "the offer was empty");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return (null, 502, ex.Message);
        }
    }

    /// <summary>Deletes the source; a move's source needs the station's signed leave (<paramref name="deletion"/>).</summary>
    public async Task DeleteAsync(string path, CancellationToken ct, string? deletion = null)
    {
        using var request = Request(HttpMethod.Delete, DataPlaneRoutes.File, path);
        if (deletion is not null) request.Headers.TryAddWithoutValidation(DataPlaneRoutes.DeletionHeader, deletion);
        using var response = await SendAsync(request, TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
    }

    private async Task<T> GetJsonAsync<T>(string route, string path, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var request = Request(HttpMethod.Get, route, path);
        using var response = await SendAsync(request, timeout ?? RequestTimeout, ct).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? RequestTimeout);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, limit.Token).ConfigureAwait(false)
                ?? throw new TaskFailureException($"the source answered {route} with nothing");
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"the source's data plane at {baseUrl} did not finish answering {route} in time", ex);
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string route, string path, string query = "")
    {
        var request = new HttpRequestMessage(method, $"{baseUrl}{route}?path={Uri.EscapeDataString(path)}{query}");
        request.Headers.TryAddWithoutValidation(DataPlaneRoutes.TicketHeader, ticket);
        if (_session.Secret is { } secret) request.Headers.TryAddWithoutValidation(DataPlaneRoutes.SessionHeader, secret);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan timeout, CancellationToken ct)
    {
        HttpResponseMessage response;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"the source's data plane at {baseUrl} did not answer in time", ex);
        }
        if (response.IsSuccessStatusCode)
        {
            if (response.Headers.TryGetValues(DataPlaneRoutes.SessionHeader, out var given)) _session.Secret ??= given.FirstOrDefault();
            return response;
        }
        using (response)
        {
            string detail = await ProblemDetail(response, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status >= 500) throw new HttpRequestException($"the source's data plane answered {status}: {detail}", null, response.StatusCode);
            throw TaskFailureException.Refused($"refused by the source unit: {detail}");
        }
    }

    private static async Task<string> ProblemDetail(HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } s) return s;
        }
        catch (JsonException) { }
        return string.IsNullOrWhiteSpace(text) ? $"HTTP {(int)response.StatusCode}" : text.Trim();
    }
}

/// <summary>The session secret the source gave when this transfer claimed its ticket; null until then.</summary>
public sealed class TransferSession
{
    private string? _secret;

    public string? Secret
    {
        get => Volatile.Read(ref _secret);
        set => Volatile.Write(ref _secret, value);
    }
}
