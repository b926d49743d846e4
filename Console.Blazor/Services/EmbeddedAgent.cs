using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Connection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Console.Blazor.Services;

public static class EmbeddedAgentExtensions
{
    /// <summary>
    /// Co-hosts the unit agent named "station" (claim 17): the same agent code as any unit, reading the same
    /// Agent section, connecting to this station's own hub over loopback with the station's agent key.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedAgent(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue(StationOptions.Section + ":" + nameof(StationOptions.EmbeddedAgent), true)) return builder;
        builder.Services.AddUnitAgent(builder.Configuration);
        builder.Services.AddOptions<AgentOptions>().Configure<StationSecrets>((agent, secrets) =>
        {
            if (string.IsNullOrEmpty(builder.Configuration["Agent:Name"])) agent.Name = "station";
            agent.Key = secrets.AgentKey;
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IStationTransport, SelfTransport>());
        return builder;
    }
}

/// <summary>Reaches this station's own listener: the first address it bound, with a wildcard host made loopback.</summary>
public sealed class SelfTransport(IServer server, IOptions<AgentOptions> options) : IStationTransport
{
    public Uri StationUrl
    {
        get
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is null) return new Uri(options.Value.StationUrl);
            address = address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
                .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1");
            return new Uri(address);
        }
    }

    public void Configure(HttpConnectionOptions options)
    {
    }
}
