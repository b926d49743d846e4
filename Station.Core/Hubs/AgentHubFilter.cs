using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Cross-cutting handling of every agent call: an unexpected failure is logged with the unit and method
/// and turned into a HubException, so one bad report never takes the connection or the station down. A call with a
/// null where its contract has a value is refused by name before it runs (<see cref="ContractNulls"/>).
/// </summary>
public sealed partial class AgentHubFilter(ILogger<AgentHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.Hub is not AgentHub) return await next(invocationContext);
        if (ContractNulls.FindMissing(invocationContext.HubMethod, invocationContext.HubMethodArguments) is { } missing)
            throw new HubException($"{invocationContext.HubMethodName}: '{missing}' is missing; the agent must send a value there");
        try
        {
            return await next(invocationContext);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex)
        {
            var unit = invocationContext.Context.User?.FindFirst(AgentKeyAuthentication.UnitClaim)?.Value ?? "?";
            LogCallFailed(ex, unit, invocationContext.HubMethodName);
            throw new HubException($"the station could not process {invocationContext.HubMethodName}: {ex.Message}");
        }
    }

    [LoggerMessage(3000, LogLevel.Error, "Agent call {Method} from unit {Unit} failed")]
    private partial void LogCallFailed(Exception ex, string unit, string method);
}
