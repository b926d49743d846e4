using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>GET /api/v1/units/{id}/files/partial?path=: how much of an interrupted resumable upload the unit kept.</summary>
public static partial class TransfersApi
{
    /// <summary>
    /// Authorised like the upload it resumes (files.upload on that path); the unit answers from the sidecar of the hidden
    /// partial of exactly that path, checking the path against the ticket again. A read: no task, no lock.
    /// </summary>
    private static async Task Partial(HttpContext c, TransferTickets tickets, DataRelay relay, UnitDirectory units, string id, string? path)
    {
        if (!UnitPath.TryCanonicalize(path, out var canonical, out var problem))
        {
            await Problems.BadRequest($"'path' {problem}; give the absolute path of the file being uploaded inside one of the unit's roots").ExecuteAsync(c);
            return;
        }
        if (units.Demand(c.Caller(), id, ResourcePath.File(id, canonical), Privileges.FilesUpload, "files.upload") is { } refusal)
        {
            await Problems.From(refusal).ExecuteAsync(c);
            return;
        }
        var ticket = tickets.Issue(new TransferTicket(0, BrowserUnit, canonical, id, canonical, 0, false, tickets.Expiry));
        await relay.PipeAsync(c, id, HttpMethod.Get, $"{DataPlaneRoutes.Partial}?path={Uri.EscapeDataString(canonical)}", ticket, null, null);
    }
}
