using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// The agent's own Kestrel listener for the data plane, separate from any host it lives in, so the
/// standalone agent and the one co-hosted in the station serve it alike. Started before the station
/// connection announces the unit, so the inventory carries the bound address.
/// </summary>
public sealed partial class DataPlaneServer(
    IOptions<AgentOptions> options,
    DataPlaneAddress address,
    DataPlaneHandlers handlers,
    ServiceHandlers services,
    UnitCertificate certificate,
    ILogger<DataPlaneServer> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var bind = new Uri(o.DataUrl);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoLifetime>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            // Room for a few send chunks in Kestrel's pipe, so the socket drains while the next chunk is read and hashed.
            k.Limits.MaxResponseBufferSize = 8L << 20;
            k.AddServerHeader = false;
            var ip = bind.Host is "0.0.0.0" or "*" or "+" ? IPAddress.Any
                : bind.Host is "[::]" or "::" ? IPAddress.IPv6Any
                : IPAddress.TryParse(bind.Host, out var parsed) ? parsed
                : bind.Host == "localhost" ? IPAddress.Loopback
                : throw new InvalidOperationException($"Agent:DataUrl '{o.DataUrl}' must name an IP address to bind, such as 0.0.0.0 or 127.0.0.1");
            k.Listen(ip, bind.Port, listen =>
            {
                if (!certificate.Enabled) return;
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(Handshake()) });
            });
        });
        var app = builder.Build();
        handlers.Map(app);
        services.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the data-plane listener started without an address");
        string url = o.DataPublicUrl ?? bound.Replace("://0.0.0.0", "://" + Dns.GetHostName()).Replace("://[::]", "://" + Dns.GetHostName());
        address.Set(url.TrimEnd('/'));
        LogListening(bound, address.Url!);
    }

    /// <summary>
    /// The unit's certificate, asking the peer for one: a certificate presented must be one this station issued (a unit's
    /// or the relay's), or name a unit (one of another station pulling a copy directly, which the routes accept only with a
    /// ticket of this unit's station naming that station's CA); none at all lets the handshake through to the routes,
    /// where only service downloads go on.
    /// </summary>
    private SslServerAuthenticationOptions Handshake() => new()
    {
        ServerCertificateContext = certificate.Context
            ?? throw new AuthenticationException("this unit has no data-plane certificate from its station yet; it gets one when it connects"),
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = (_, presented, _, _) =>
        {
            if (presented is null) return true;
            using var leaf = new X509Certificate2(presented);
            return certificate.Accepts(leaf, null, allowRelay: true, out _) || Ccdsvm.Shared.Contracts.Tls.UnitCertificates.UnitOf(leaf) is not null;
        },
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The outer host owns signals and shutdown; the inner server only starts and stops when told.</summary>
    private sealed class NoLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [LoggerMessage(350, LogLevel.Information, "Data plane listening on {Bound}, announced as {Url}")]
    private partial void LogListening(string bound, string url);
}

/// <summary>The data-plane address this agent announces, known once its listener is bound.</summary>
public sealed class DataPlaneAddress
{
    private volatile string? _url;

    public string? Url => _url;

    public void Set(string url) => _url = url;
}
