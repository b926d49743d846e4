using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Console.Blazor.Services.Uplink;

/// <summary>
/// This mid station's HTTP to the station above, through the uplink agent's own client (the trust it pinned at
/// enrolment): reads of a source above go up, answers to the station above's reads go up (README, "Layered stations").
/// </summary>
public sealed class UplinkData(Uri stationUrl) : IUpstreamData
{
    private IStationTransport? _transport;

    public Uri? StationUrl => stationUrl;

    /// <summary>The uplink agent's transport, once its host is built.</summary>
    public void Attach(IStationTransport transport) => _transport = transport;

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (_transport ?? throw new HttpRequestException("the uplink to the station above is not started yet"))
            .Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
}

/// <summary>The uplink agent's <see cref="IDataServeRelay"/>: a read the station above asks of a unit below, served by this station.</summary>
public sealed class UplinkDataServe(DataServe serve) : IDataServeRelay
{
    public string? Serve(DataServeRequest request, TransferTicket ticket) => serve.Serve(request, ticket);
}
