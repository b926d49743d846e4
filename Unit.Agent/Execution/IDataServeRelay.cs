using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// Present when this agent is a mid station's uplink (README, "Layered stations"): a data-plane read of a unit below,
/// asked by the upper station with a transfer ticket it signed (already checked against the pinned key), is served by
/// the mid station, whose ACL decides for the upper user. Null when taken (the answer goes up by PUT), else why not.
/// </summary>
public interface IDataServeRelay
{
    string? Serve(DataServeRequest request, TransferTicket ticket);
}
