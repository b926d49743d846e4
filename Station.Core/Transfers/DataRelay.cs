using System.Net;
using System.Net.Sockets;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Streams between a unit's data plane and a caller (another agent that cannot reach it directly, or a
/// browser) with backpressure: each buffer is written on before the next is read, so the station never
/// holds more than one buffer of a file.
/// </summary>
public sealed class DataRelay(TransferTickets tickets, DataPlanePolicy policy)
{
    private static readonly HttpRequestOptionsKey<string> UnitKey = new("ccdsvm.unit");

    private const int BufferSize = 1 << 20;
    private static readonly string[] SessionHeaders = [DataPlaneRoutes.SessionHeader, DataPlaneRoutes.DeletionHeader];
    private static readonly string[] PassedHeaders = ["Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "Last-Modified", DataPlaneRoutes.Sha256Header];

    private HttpClient? _http;

    /// <summary>
    /// One pool for the relay; every new connection checks the address it is about to reach against the unit's
    /// data-plane policy again, so a name that resolves elsewhere later (DNS rebinding) is not followed.
    /// </summary>
    private HttpClient Http => _http ??= new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
        ConnectCallback = ConnectAsync,
    }) { Timeout = Timeout.InfiniteTimeSpan };

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
            c.Request.ContentLength is > 0 || c.Request.Headers.TransferEncoding.Count > 0 ? c.Request.Body : null, forwardSession: true).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one request to the unit's data plane and streams the answer to <paramref name="c"/>; with
    /// <paramref name="forwardSession"/> (an agent's relayed transfer) the session and deletion headers pass both ways.
    /// </summary>
    public async Task PipeAsync(HttpContext c, string unit, HttpMethod method, string pathAndQuery, string token, string? range, Stream? body,
        bool forwardSession = false)
    {
        var baseUrl = tickets.DataUrlOf(unit);
        if (!baseUrl.Ok)
        {
            bool refused = baseUrl.Error!.Kind == StationErrorKind.Forbidden;
            await Results.Problem(baseUrl.Error.Message, statusCode: refused ? 403 : 502, title: refused ? "refused by the station" : "unit unreachable")
                .ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
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
            request.Content = new StreamContent(body, BufferSize);
            if (c.Request.ContentLength is { } length) request.Content.Headers.ContentLength = length;
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, c.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            await Results.Problem($"the station cannot reach unit '{unit}''s data plane at {baseUrl.Value}: {ex.Message}", statusCode: 502, title: "unit unreachable")
                .ExecuteAsync(c).ConfigureAwait(false);
            return;
        }
        using (response)
        {
            c.Response.StatusCode = (int)response.StatusCode;
            foreach (var name in forwardSession ? [.. PassedHeaders, DataPlaneRoutes.SessionHeader] : PassedHeaders)
            {
                if (response.Headers.TryGetValues(name, out var v) || response.Content.Headers.TryGetValues(name, out v))
                    c.Response.Headers[name] = v.ToArray();
            }
            await using var stream = await response.Content.ReadAsStreamAsync(c.RequestAborted).ConfigureAwait(false);
            await stream.CopyToAsync(c.Response.Body, BufferSize, c.RequestAborted).ConfigureAwait(false);
        }
    }
}
