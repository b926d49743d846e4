using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// The station's public REST API (/api/v1) over HTTPS with the trust of <see cref="StationTrust"/>. Every refusal
/// becomes a <see cref="CliException"/> with the station's own words and the exit code scripts decide on.
/// </summary>
public sealed class StationClient : IDisposable
{
    private readonly HttpClient _http;
    private bool _prepared;

    public StationClient(Uri url, string? token, StationTrust trust)
    {
        Url = url;
        Token = token;
        Trust = trust;
        // Bounded per request (RequestTimeout) except transfers, whose bodies may take hours.
        _http = new HttpClient(trust.Handler()) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    public Uri Url { get; }
    public string? Token { get; }
    public StationTrust Trust { get; }
    public bool HasToken => _http.DefaultRequestHeaders.Authorization is not null;

    public Task<JsonElement> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken ct, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body, ct, idempotencyKey);

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var response = await RawAsync(method, path, body, ct, idempotencyKey).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw Refusal(response.StatusCode, text, method, path);
        if (string.IsNullOrWhiteSpace(text)) return default;
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>The answer as it came, for the callers that read the status themselves (login's TOTP step).</summary>
    public Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null) request.Content = JsonContent.Create(body, options: CliJson.Options);
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendRequestAsync(request, HttpCompletionOption.ResponseContentRead, RequestTimeout, ct);
    }

    /// <summary>
    /// A transfer: the answer once its headers are in (the body is read by the caller), no time limit; a refusal is
    /// thrown as a <see cref="CliException"/> with the station's words.
    /// </summary>
    public async Task<HttpResponseMessage> TransferAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await SendRequestAsync(request, HttpCompletionOption.ResponseHeadersRead, Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw Refusal(response.StatusCode, text, request.Method, request.RequestUri?.ToString() ?? "");
        }
    }

    private async Task<HttpResponseMessage> SendRequestAsync(HttpRequestMessage request, HttpCompletionOption completion, TimeSpan timeout, CancellationToken ct)
    {
        using var _ = request;
        if (!_prepared)
        {
            await Trust.PrepareAsync(Url, ct).ConfigureAwait(false);
            _prepared = true;
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            return await _http.SendAsync(request, completion, limit.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (Trust.LastRefusal is { } reason)
        {
            throw new CliException(ExitCodes.NotAllowed, $"refusing the station at {Url}: {reason}", ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException)
        {
            throw new CliException(ExitCodes.NotAllowed, $"TLS with the station at {Url} failed: {ex.InnerException.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Unreachable, $"cannot reach the station at {Url}: {ex.Message} (is it running? check --url or CCDSVM_URL)", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"the station at {Url} did not answer within {timeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>The problem+json detail of a refusal with the exit code for its status.</summary>
    public CliException Refusal(HttpStatusCode status, string body, HttpMethod method, string path)
    {
        string detail = ProblemDetail(body) ?? $"{method} {path} answered {(int)status} {status}";
        int code = status switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType => ExitCodes.Usage,
            HttpStatusCode.Unauthorized => ExitCodes.NotAllowed,
            HttpStatusCode.Forbidden or HttpStatusCode.Locked => ExitCodes.NotAllowed,
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestEntityTooLarge => ExitCodes.Refused,
            _ => ExitCodes.Unreachable,
        };
        if (status == HttpStatusCode.Unauthorized && !path.Contains("auth/token", StringComparison.Ordinal))
            detail += HasToken
                ? " (the token was refused: it may have expired or been revoked; run 'ccdsvm login' again)"
                : " (no token: run 'ccdsvm login' or set CCDSVM_TOKEN)";
        if (status == HttpStatusCode.Forbidden && !detail.Contains("ask", StringComparison.OrdinalIgnoreCase))
            detail += " (ask an administrator for the privilege)";
        return new CliException(code, detail);
    }

    private static string? ProblemDetail(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String) return d.GetString();
            if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String) return t.GetString();
        }
        catch (JsonException) { }
        return null;
    }

    public void Dispose()
    {
        _http.Dispose();
        Trust.Dispose();
    }
}

public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What -o json prints: indented, and '+', '&lt;' or non-ASCII letters as themselves, not \u escapes.</summary>
    public static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
