using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Issues transfer tickets and, at dispatch of a data.move, adds <c>transfer: {ticket, sourceUrl, route}</c>
/// to the order, so the destination agent knows where the source's data plane is and may read from it.
/// </summary>
public sealed class TransferTickets(UnitRegistry units, StationKeys keys, DataPlanePolicy policy, IOptions<TransferOptions> options, TimeProvider time,
    IUpstreamData? upstream = null) : IOrderPreparer
{
    /// <summary>
    /// Whether <paramref name="unit"/> is reached through another station (README, "Layered stations"): below a mid station
    /// here, or not known here while this station has one above. Its data plane is then read through the stations.
    /// </summary>
    public bool ThroughStation(string unit) => units.View(unit) is null ? upstream?.StationUrl is not null : units.RouteOf(unit) != unit;

    public TransferOptions Options => options.Value;

    /// <summary>Signs a ticket, giving it a fresh id (what the source unit remembers to honour it once) unless it has one.</summary>
    public string Issue(TransferTicket ticket) =>
        keys.With(key => TransferTicketSigning.Encode(ticket.Id is null ? ticket with { Id = TransferTicket.NewId() } : ticket, key));

    public TransferTicket? Read(string? token) => ReadSigned(token) is { } t && !t.IsExpired(time.GetUtcNow()) ? t : null;

    /// <summary>A ticket this station signed, expired or not (a claimed transfer continues past the ticket's expiry).</summary>
    public TransferTicket? ReadSigned(string? token) => keys.With(key => TransferTicketSigning.Decode(token, key));

    public string SignDeletion(SourceDeletion deletion) => keys.With(key => TransferTicketSigning.EncodeDeletion(deletion, key));

    public DateTimeOffset Expiry => time.GetUtcNow().AddMinutes(options.Value.TicketMinutes);

    /// <summary>An upload's ticket lives as long as the upload may wait (Transfers:UploadMinutes): the station's own source, not a unit's.</summary>
    public DateTimeOffset UploadExpiry => time.GetUtcNow().AddMinutes(options.Value.UploadMinutes);

    /// <summary>The data-plane address a unit announced, when <see cref="DataPlanePolicy"/> allows calling it; else a refusal naming why.</summary>
    public Outcome<string> DataUrlOf(string unitId)
    {
        var view = units.View(unitId);
        if (view is null) return StationError.NotFound($"unit '{unitId}' is not known");
        if (!view.Online) return StationError.Conflict($"unit '{unitId}' is offline; start its agent and retry");
        if (units.InventoryOf(unitId)?.DataUrl is not { Length: > 0 } url)
            return StationError.Conflict($"unit '{unitId}' announced no data-plane address; update its agent");
        return policy.Problem(unitId, url) is { } refused ? StationError.Forbidden($"{refused}; neither the station nor another unit calls it") : url;
    }

    public StationError? CheckSubmit(string kind, string parametersJson, Caller caller) => null;

    public Outcome<string> Prepare(long taskId, string kind, string target, string parametersJson)
    {
        if (kind != TaskKinds.DataMove) return parametersJson;
        using var doc = JsonDocument.Parse(parametersJson);
        var p = DataMove.Contract.ReadValidated(doc.RootElement);
        if (ThroughStation(p.Source.Unit))
        {
            // No address here: unless the route is relay, the destination asks the source's station through the relay for a
            // direct pull (DataPlaneRoutes.Direct) and falls back to reading through the stations both ends hang under; the
            // destination verifies SHA-256 end to end either way.
            if (p.IsMove) return StationError.Conflict($"a move from {p.Source.Unit}, which is reached through another station, is not possible: only copies cross stations. Copy, then delete the source at the station it hangs under");
            var relayed = new TransferTicket(taskId, p.Source.Unit, p.Source.Path, p.Destination.Unit, p.Destination.Path, -1, false, Expiry);
            var across = Enum.Parse<TransferRoute>(options.Value.Route, ignoreCase: true);
            return DataMove.Contract.WriteJson(p with { Transfer = new DataMoveTransfer(Issue(relayed), null, across) });
        }
        var sourceUrl = DataUrlOf(p.Source.Unit);
        if (!sourceUrl.Ok) return StationError.Conflict($"the source {sourceUrl.Error!.Message}");
        var ticket = new TransferTicket(taskId, p.Source.Unit, p.Source.Path, p.Destination.Unit, p.Destination.Path, -1, p.IsMove, Expiry);
        var route = Enum.Parse<TransferRoute>(options.Value.Route, ignoreCase: true);
        return DataMove.Contract.WriteJson(p with { Transfer = new DataMoveTransfer(Issue(ticket), sourceUrl.Value, route) });
    }
}
