using Ccdsvm.Station.Core;
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
