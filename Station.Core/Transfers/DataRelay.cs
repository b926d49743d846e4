using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Streams between a unit's data plane and a caller (another agent that cannot reach it directly, or a
/// browser) with backpressure: each buffer is written on before the next is read, so the station never
/// holds more than one buffer of a file.
/// </summary>
public sealed partial class DataRelay(TransferTickets tickets, DataPlanePolicy policy, Security.Tls.UnitCertificateIssuer certificates, Units.UnitRegistry units,
    DataRendezvous rendezvous, IUnitDataLink link, IUpstreamData upstream, UpstreamTransfers upstreamTickets, Tasks.TaskEngine engine, ILogger<DataRelay> logger)
{
    private static readonly HttpRequestOptionsKey<string> UnitKey = new("ccdsvm.unit");

    private const int BufferSize = 1 << 20;
    private static readonly string[] SessionHeaders = [DataPlaneRoutes.SessionHeader, DataPlaneRoutes.DeletionHeader];
    private static readonly string[] PassedHeaders = ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", DataPlaneRoutes.Sha256Header];

    private readonly ConcurrentDictionary<string, HttpClient> _https = new(StringComparer.Ordinal);
    private HttpClient? _http;

    /// <summary>
    /// The pool for a unit's data plane: plain http shares one; https has one per unit, presenting the relay's
    /// certificate and accepting only the certificate the station issued to that unit. Every new connection checks
    /// the address it is about to reach against the unit's data-plane policy again, so a name that resolves
    /// elsewhere later (DNS rebinding) is not followed.
    /// </summary>
    private HttpClient HttpFor(string unit, string baseUrl) => baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        ? _https.GetOrAdd(unit, u => new HttpClient(Handler(u)) { Timeout = Timeout.InfiniteTimeSpan })
        : _http ??= new HttpClient(Handler(null)) { Timeout = Timeout.InfiniteTimeSpan };

    private SocketsHttpHandler Handler(string? unit)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectAsync,
        };
        if (unit is null) return handler;
        handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificates.RelayCertificate!;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            string why;
            if (certificates.Ca is not { } ca) why = "this station has no certificate authority";
            else
            {
                using var leaf = presented is null ? null : new X509Certificate2(presented);
                if (UnitCertificates.Verify(leaf, ca, unit, allowRelay: false, out why)) return true;
            }
            LogRefused(unit, why);
            return false;
        };
        return handler;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        string host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var allowed = context.InitialRequestMessage.Options.TryGetValue(UnitKey, out var unit)
            ? addresses.Where(a => policy.Allows(unit, a)).ToArray()
            : [];
        if (allowed.Length == 0) throw new HttpRequestException($"{host} resolves to no address the station may call for unit '{unit}'");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Forwards an agent's data-plane request (<c>/relay/v1/units/{unit}/data/v1/…</c>) carrying a ticket for that unit.</summary>
    public async Task ForwardAsync(HttpContext c, string unit, string route)
    {
        string? token = c.Request.Headers[DataPlaneRoutes.TicketHeader];
        // A claimed transfer (it carries its session) goes on past the ticket's expiry; the unit checks the session.
        bool inSession = !string.IsNullOrEmpty(c.Request.Headers[DataPlaneRoutes.SessionHeader]);
        var ticket = inSession ? tickets.ReadSigned(token) : tickets.Read(token);
        if (ticket is null || (ticket.SourceUnit != unit && ticket.DestinationUnit != unit))
        {
            await Results.Problem($"the relay refuses: the transfer ticket is missing, expired, forged or not for unit '{unit}'", statusCode: 403).ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = ticket.Size >= 0 ? ticket.Size : null;
        await PipeAsync(c, unit, new HttpMethod(c.Request.Method), "/" + route + c.Request.QueryString, token!, c.Request.Headers.Range.ToString(),
            c.Request.ContentLength is > 0 || c.Request.Headers.TransferEncoding.Count > 0 ? c.Request.Body : null, forwardSession: true,
            user: engine.View(ticket.TaskId)?.Owner).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one request to the unit's data plane and streams the answer to <paramref name="c"/>; reports the bytes
    /// moved (request body for an upload, answer for a download) with the total when known, and returns the unit's
    /// status with the reason of a refusal. <paramref name="stop"/> ends the stream early (the task was cancelled).
    /// With <paramref name="forwardSession"/> (an agent's relayed transfer) the session and deletion headers pass both ways.
    /// A unit reached through another station (<see cref="ThroughStation"/>) is read there for <paramref name="user"/>.
    /// </summary>
    public async Task<RelayResult> PipeAsync(HttpContext c, string unit, HttpMethod method, string pathAndQuery, string token, string? range, Stream? body,
        Action<long, long>? progress = null, bool forwardSession = false, string? user = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(method);
        if (ThroughStation(unit)) return await PipeThroughAsync(c, unit, method, pathAndQuery, token, range, progress, forwardSession, user ?? "", stop).ConfigureAwait(false);
        if (method == HttpMethod.Get && IsDirect(pathAndQuery)) return await AnswerOfferAsync(c, unit, pathAndQuery, token).ConfigureAwait(false);
        var baseUrl = tickets.DataUrlOf(unit);
        if (!baseUrl.Ok)
        {
            // The unit's state (offline, no data plane announced) is the caller's to act on: 409, not a gateway fault.
            var (status, title) = baseUrl.Error!.Kind switch
            {
                StationErrorKind.Forbidden => (403, "refused by the station"),
                StationErrorKind.NotFound => (404, "unit not known"),
                _ => (409, "unit not ready for data"),
            };
            await Results.Problem(baseUrl.Error.Message, statusCode: status, title: title).ExecuteAsync(c).ConfigureAwait(false);
            return new RelayResult(status, 0, baseUrl.Error.Message);
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stop);
        using var request = new HttpRequestMessage(method, baseUrl.Value + pathAndQuery);
        request.Options.Set(UnitKey, unit);
        request.Headers.TryAddWithoutValidation(DataPlaneRoutes.TicketHeader, token);
        if (!string.IsNullOrEmpty(range)) request.Headers.TryAddWithoutValidation("Range", range);
        if (forwardSession)
        {
            foreach (var name in SessionHeaders)
                if (c.Request.Headers[name] is { Count: > 0 } value) request.Headers.TryAddWithoutValidation(name, value.ToString());
        }
        if (body is not null)
        {
            long total = c.Request.ContentLength ?? -1;
            request.Content = new StreamContent(progress is null ? body : new CountingReadStream(body, n => progress(n, total)), BufferSize);
            if (c.Request.ContentLength is { } length) request.Content.Headers.ContentLength = length;
        }
        HttpResponseMessage response;
        try
        {
            response = await HttpFor(unit, baseUrl.Value!).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            string message = $"the station cannot reach unit '{unit}''s data plane at {baseUrl.Value}: {ex.Message}";
            await Results.Problem(message, statusCode: 502, title: "unit unreachable").ExecuteAsync(c).ConfigureAwait(false);
            return new RelayResult(502, 0, message);
        }
        using (response)
        {
            c.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in forwardSession ? [.. PassedHeaders, DataPlaneRoutes.SessionHeader] : PassedHeaders)
            {
                if (response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v))
                    c.Response.Headers[name] = v.ToArray();
            }
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return await RelayRefusalAsync(c, stream, (int)response.StatusCode, linked.Token).ConfigureAwait(false);
            long answered = await CopyAsync(stream, c.Response.Body, body is null ? progress : null, response.Content.Headers.ContentLength ?? -1, linked.Token).ConfigureAwait(false);
            return new RelayResult((int)response.StatusCode, body is null ? answered : c.Request.ContentLength ?? 0, null);
        }
    }

    /// <summary>A refusal's body is small (problem+json): it goes to the caller whole and its detail becomes the reason.</summary>
    private static async Task<RelayResult> RelayRefusalAsync(HttpContext c, Stream stream, int status, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        await buffer.CopyToAsync(c.Response.Body, cancellationToken).ConfigureAwait(false);
        string detail = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)Math.Min(buffer.Length, 4096));
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(detail);
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } text) detail = text;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new RelayResult(status, 0, $"the unit answered {status}: {detail}");
    }

    private static async Task<long> CopyAsync(Stream from, Stream to, Action<long, long>? progress, long total, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        long done = 0;
        int n;
        while ((n = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            done += n;
            progress?.Invoke(done, total);
        }
        return done;
    }

    [LoggerMessage(1234, LogLevel.Warning, "Relay: refused the data-plane certificate of unit '{Unit}': {Reason}")]
    private partial void LogRefused(string unit, string reason);
}

/// <summary>What one relayed request came to: the unit's status, the bytes moved, and the reason when it was not a success.</summary>
public sealed record RelayResult(int Status, long Bytes, string? Error);

/// <summary>A read-only view of a request body that counts what has been read, for progress.</summary>
internal sealed class CountingReadStream(Stream inner, Action<long> read) : Stream
{
    private long _done;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _done; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Counted(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Counted(int n)
    {
        _done += n;
        read(_done);
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
