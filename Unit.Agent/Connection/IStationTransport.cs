using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// How the agent reaches its station. The default uses Agent:StationUrl over the network; the station's
/// co-hosted agent and the tests supply their own (their own address, an in-memory test server).
/// </summary>
public interface IStationTransport
{
    Uri StationUrl { get; }

    /// <summary>Sets up the hub connection: the trust it places in the station's certificate.</summary>
    void Configure(HttpConnectionOptions options);

    /// <summary>An HTTP client for the station's other endpoints (enrolment, uploads, the relay), with the same trust; no overall timeout.</summary>
    HttpClient Http { get; }

    /// <summary>Why the station's certificate was last refused, or null.</summary>
    string? Refusal => null;

    /// <summary>Readies the trust before a connection (a pinned CA fetched once); nothing by default.</summary>
    Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;
}

public sealed class DefaultStationTransport(Microsoft.Extensions.Options.IOptions<AgentOptions> options, StationTrust trust) : IStationTransport, IDisposable
{
    private HttpClient? _http;

    public Uri StationUrl => new(options.Value.StationUrl);

    public string? Refusal => trust.LastRefusal;

    public Task PrepareAsync(CancellationToken ct) => trust.PrepareAsync(StationUrl, ct);

    public void Configure(HttpConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.HttpMessageHandlerFactory = inner =>
        {
            if (inner is HttpClientHandler handler) handler.ServerCertificateCustomValidationCallback = (_, c, chain, errors) => trust.Validate(c, chain, errors);
            else if (inner is SocketsHttpHandler sockets) sockets.SslOptions.RemoteCertificateValidationCallback = trust.Callback;
            return inner;
        };
        options.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = trust.Callback;
    }

    public HttpClient Http => _http ??= new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = { RemoteCertificateValidationCallback = trust.Callback },
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose() => _http?.Dispose();
}
