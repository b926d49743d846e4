using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Microsoft.AspNetCore.SignalR.Client;

namespace Ccdsvm.Unit.Agent.Connection;

/// <summary>
/// Answers <see cref="IAgentClient.ServeData"/>: on a mid station's uplink, a read of a unit below passes on to the mid
/// station (<see cref="IDataServeRelay"/>) once its transfer ticket checks out against the pinned key of the station
/// above: signed by it, for that unit, unexpired unless the transfer is under way (it carries its session). A plain
/// unit has no units below and refuses.
/// </summary>
public sealed class DataServes(AgentCredentials credentials, IDataServeRelay? relay = null, TimeProvider? clock = null)
{
    private readonly TimeProvider _time = clock ?? TimeProvider.System;

    public void Attach(HubConnection connection) =>
        connection.On<DataServeRequest, string?>(nameof(IAgentClient.ServeData), request => Task.FromResult(Serve(request)));

    public string? Serve(DataServeRequest? request)
    {
        if (relay is null) return UnitRefusal.Because("it is no station, so it has no units below it to serve");
        if (request is null) return UnitRefusal.Because("the request is empty");
        var ticket = credentials.OpenTransferTicket(request.Ticket);
        if (ticket is null) return UnitRefusal.Because("the transfer ticket is not signed by the station this station enrolled with");
        if (string.IsNullOrEmpty(request.Session) && ticket.IsExpired(_time.GetUtcNow()))
            return UnitRefusal.Because(ClockTolerance.ExpiredMessage("the transfer ticket", ticket.ExpiresAt, _time.GetUtcNow()));
        if (ticket.SourceUnit != request.Unit)
            return UnitRefusal.Because($"the transfer ticket reads unit '{ticket.SourceUnit}', not '{request.Unit}'");
        return relay.Serve(request, ticket);
    }
}
