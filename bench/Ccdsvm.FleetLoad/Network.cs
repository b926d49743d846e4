using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.FleetLoad;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> per source address 127.0.0.2, 127.0.0.3, …: every connection a simulated unit
/// opens (its enrolment and its hub WebSocket) binds its local end to its unit's address, so no single address runs
/// out of ephemeral ports. The station's certificate is trusted by its pinned fingerprint when one is given.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly SocketsHttpHandler[] _handlers;
    private readonly HttpMessageInvoker[] _invokers;

    public Network(FleetOptions options)
    {
        var pins = options.Fingerprint is { } f ? new[] { CertificatePins.Normalize(f, out _)! } : [];
        var anchors = pins.Length > 0 ? new[] { FetchPinnedCa(options.Station, pins) } : [];
        _handlers = new SocketsHttpHandler[options.SourceAddresses];
        _invokers = new HttpMessageInvoker[options.SourceAddresses];
        bool loopback = options.Station.IsLoopback;
        for (int i = 0; i < _handlers.Length; i++)
        {
            var local = loopback ? new IPAddress([127, 0, 0, (byte)(2 + i)]) : null;
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(10),
                ConnectTimeout = TimeSpan.FromSeconds(30),
                ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        if (local is not null) socket.Bind(new IPEndPoint(local, 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            if (pins.Length > 0)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                    cert is not null && CertificatePins.Accepts(new X509Certificate2(cert), chain, pins, anchors, out string _);
            _handlers[i] = handler;
            _invokers[i] = new HttpMessageInvoker(handler, disposeHandler: false);
        }
        Admin = new HttpClient(_handlers[0], disposeHandler: false) { BaseAddress = options.Station, Timeout = TimeSpan.FromSeconds(60) };
        Admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", options.Token);
    }

    /// <summary>
    /// The station's CA, as an agent gets it: fetched once from /ca.crt (a TLS server does not send its self-signed root)
    /// and accepted only when it is the pinned certificate.
    /// </summary>
    private static X509Certificate2 FetchPinnedCa(Uri station, string[] pins)
    {
        // The certificate fetched here is trusted only if it is the pinned one (below); the TLS of this one request carries nothing secret.
#pragma warning disable CA5359
        using var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
#pragma warning restore CA5359
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        using var response = http.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(station, "/ca.crt")));
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(response.Content.ReadAsStream());
        return CertificatePins.PinnedFromPem(reader.ReadToEnd(), pins)
            ?? throw new InvalidOperationException($"the station's /ca.crt is not the pinned certificate {pins[0]}");
    }

    /// <summary>The administrator's REST client (the fleet token, task submissions, the unit list).</summary>
    public HttpClient Admin { get; }

    public HttpClient ClientFor(int unit) => new(_handlers[unit % _handlers.Length], disposeHandler: false) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A WebSocket to the hub from the unit's source address, carrying its name and credential.</summary>
    public async ValueTask<WebSocket> OpenWebSocketAsync(int unit, Uri uri, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        foreach (var (name, value) in headers) ws.Options.SetRequestHeader(name, value);
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await ws.ConnectAsync(uri, _invokers[unit % _invokers.Length], ct).ConfigureAwait(false);
            return ws;
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Admin.Dispose();
        foreach (var i in _invokers) i.Dispose();
        foreach (var h in _handlers) h.Dispose();
    }
}
