using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// The reason a task's owner stated when starting it, for whoever waits behind it. Only maintenance.hold takes one
/// (its <c>reason</c> parameter), read through its contract; other kinds state none.
/// </summary>
internal static class TaskReasons
{
    public static string? Of(TaskRow row)
    {
        if (row.Kind != TaskKinds.MaintenanceHold) return null;
        try
        {
            using var parameters = JsonDocument.Parse(row.Parameters);
            return MaintenanceHold.Contract.ReadValidated(parameters.RootElement).Reason is { } reason && reason.Trim() is { Length: > 0 } trimmed ? trimmed : null;
        }
        catch (Exception ex) when (ex is KindContractException or JsonException)
        {
            return null;
        }
    }
}
