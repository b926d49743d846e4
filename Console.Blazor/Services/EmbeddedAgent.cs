using System.Security.Cryptography.X509Certificates;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security.Tls;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Enrolment;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Console.Blazor.Services;

public static class EmbeddedAgentExtensions
{
    /// <summary>
    /// Co-hosts the unit agent named "station": the same agent code as any unit, reading the same
    /// Agent section, connecting to this station's own hub over loopback. It needs no token: the station
    /// issues its own unit a fresh credential in process at every start.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedAgent(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(StationOptions.Section + ":" + nameof(StationOptions.EmbeddedAgent), true)) return builder;
        builder.Services.AddUnitAgent(builder.Configuration);
        builder.Services.AddOptions<AgentOptions>().Configure(agent =>
        {
            if (string.IsNullOrEmpty(builder.Configuration["Agent:Name"])) agent.Name = "station";
            // Its record of orders and used tickets belongs with the station's store (the tasks it names live there).
            if (string.IsNullOrEmpty(builder.Configuration["Agent:StateDirectory"]))
                agent.StateDirectory = Path.Combine(Path.GetFullPath(builder.Configuration["Station:DataDirectory"] ?? "data"), "units", agent.Name, "state");
        });
        // The co-hosted unit's data plane listens on loopback; it is the station itself, so the relay may call it.
        builder.Services.AddOptions<Station.Core.Transfers.TransferOptions>().Configure<IOptions<AgentOptions>>((t, agent) => t.EmbeddedUnit = agent.Value.Name);
        builder.Services.Replace(ServiceDescriptor.Singleton<IStationTransport, SelfTransport>());
        builder.Services.Replace(ServiceDescriptor.Singleton<IAgentEnrolment, SelfEnrolment>());
        return builder;
    }
}

/// <summary>The station's own unit enrols in process: the station vouches for itself, so no token travels.</summary>
public sealed class SelfEnrolment(UnitCredentials credentials, IOptions<AgentOptions> options) : IAgentEnrolment
{
    public bool StopHostWhenRefused => false;

    public Task<AgentIdentity> ObtainAsync(CancellationToken ct)
    {
        var grant = credentials.IssueForEmbeddedAgent(options.Value.Name);
        return grant.Ok
            ? Task.FromResult(new AgentIdentity(grant.Value!.Unit, grant.Value.Credential, grant.Value.StationPublicKey))
            : throw new EnrolmentRefusedException(grant.Error!.Message);
    }
}

/// <summary>
/// Reaches this station's own listener: the first address it bound, with a wildcard host made loopback. Over HTTPS it
/// trusts exactly the certificate this station serves (and the chain sent with it), read live, so a replaced
/// certificate does not cut the station off from its own unit.
/// </summary>
public sealed class SelfTransport(IServer server, IOptions<AgentOptions> options, IServiceProvider services) : IStationTransport, IDisposable
{
    private HttpClient? _http;

    public Uri StationUrl
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            var address = addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
            if (address is null) return new Uri(options.Value.StationUrl);
            address = address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
                .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
            return new Uri(address);
        }
    }

    private bool Trusts(X509Certificate? certificate)
    {
        var source = services.GetService<ServerCertificateSource>();
        if (source is null || certificate is null) return false;
        using var presented = new X509Certificate2(certificate);
        return presented.RawData.AsSpan().SequenceEqual(source.Leaf.RawData);
    }

    public void Configure(HttpConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.HttpMessageHandlerFactory = inner =>
        {
            if (inner is HttpClientHandler handler) handler.ServerCertificateCustomValidationCallback = (_, c, _, _) => Trusts(c);
            return inner;
        };
        options.WebSocketConfiguration = ws => ws.RemoteCertificateValidationCallback = (_, c, _, _) => Trusts(c);
    }

    public HttpClient Http => _http ??= new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        SslOptions = { RemoteCertificateValidationCallback = (_, c, _, _) => Trusts(c) },
    }) { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose() => _http?.Dispose();
}
