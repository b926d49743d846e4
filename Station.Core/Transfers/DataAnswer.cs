using System.Text;
using System.Text.Json;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// A unit's answer to one data-plane request, however it came (straight from the unit, from the station above, or put
/// by the mid station below): its status, the headers that pass on, and its body, read once. Disposing it ends the
/// exchange it came from (the response, or the PUT that carried it).
/// </summary>
public sealed class DataAnswer(int status, IReadOnlyList<KeyValuePair<string, string[]>> headers, Stream body, long? length, Func<ValueTask>? end = null) : IAsyncDisposable
{
    /// <summary>The headers a unit's answer keeps on its way (the session only on an agent's relayed transfer).</summary>
    public static readonly string[] PassedHeaders = ["Content-Type", "Content-Range", "Accept-Ranges", "Last-Modified", Shared.Contracts.DataPlaneRoutes.Sha256Header];

    public int Status { get; } = status;

    public IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; } = headers;

    public Stream Body { get; } = body;

    /// <summary>The body's length when known.</summary>
    public long? Length { get; } = length;

    public bool Ok => Status is >= 200 and < 300;

    /// <summary>An answer built here: a problem (RFC 7807 JSON, as ASP.NET writes them) with <paramref name="detail"/>.</summary>
    public static DataAnswer Problem(int status, string detail)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(new { status, title = status == 403 ? "refused" : "not available", detail });
        return new DataAnswer(status, [new("Content-Type", ["application/problem+json"])], new MemoryStream(json), json.Length);
    }

    /// <summary>The answer of an HTTP exchange with a unit or a station; it owns <paramref name="response"/>.</summary>
    public static async Task<DataAnswer> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var name in PassedHeaders.Append(Shared.Contracts.DataPlaneRoutes.SessionHeader))
        {
            if (response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v)) headers.Add(new(name, [.. v]));
        }
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return new DataAnswer((int)response.StatusCode, headers, body, response.Content.Headers.ContentLength, () =>
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>The detail of a refusal's problem body (read whole, it is small), or its text.</summary>
    public async Task<string> DetailAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        string detail = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, 4096));
        try
        {
            using var doc = JsonDocument.Parse(detail);
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } text) return text;
        }
        catch (JsonException)
        {
        }
        return detail;
    }

    public async ValueTask DisposeAsync()
    {
        await Body.DisposeAsync().ConfigureAwait(false);
        if (end is not null) await end().ConfigureAwait(false);
    }
}
