using Microsoft.AspNetCore.Http.Connections.Client;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// How the agent reaches its station. The default uses Agent:StationUrl over the network; the station's
/// co-hosted agent and the tests supply their own (their own address, an in-memory test server).
/// </summary>
public interface IStationTransport
{
    Uri StationUrl { get; }

    void Configure(HttpConnectionOptions options);
}

public sealed class DefaultStationTransport(Microsoft.Extensions.Options.IOptions<AgentOptions> options) : IStationTransport
{
    public Uri StationUrl => new(options.Value.StationUrl);

    public void Configure(HttpConnectionOptions options)
    {
    }
}
