using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.WebUtilities;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// The way to pull straight from a unit connected here, for a copy's destination under another station (README, "Layered
/// stations"): asked through the stations as a read (<see cref="DataPlaneRoutes.Direct"/>), so each station on the way has
/// decided for the user as for the copy's bytes; answered here, by the station whose key the source unit pinned, with a
/// fresh ticket of its own for the same copy that names the destination station's CA, the source's address and this
/// station's CA.
/// </summary>
public sealed partial class DataRelay
{
    private static readonly JsonSerializerOptions OfferJson = new(JsonSerializerDefaults.Web);

    /// <summary>Whether <paramref name="pathAndQuery"/> asks for a <see cref="DirectSource"/> rather than the unit's data.</summary>
    public static bool IsDirect(string pathAndQuery) =>
        pathAndQuery == DataPlaneRoutes.Direct || pathAndQuery.StartsWith(DataPlaneRoutes.Direct + "?", StringComparison.Ordinal);

    /// <summary>
    /// The offer for reading <paramref name="unit"/>, connected here, directly with what <paramref name="token"/> (this
    /// station's ticket) allows; or why not: the station relays its units' reads (Transfers:Route relay), the ticket is not
    /// a copy's to a unit, the unit has no usable address.
    /// </summary>
    public Outcome<DirectSource> Offer(string unit, string pathAndQuery, string token)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var o = tickets.Options;
        if (string.Equals(o.Route, "relay", StringComparison.OrdinalIgnoreCase))
            return StationError.Conflict($"the station of unit '{unit}' relays its units' data (Transfers:Route is relay); pull through the stations");
        if (tickets.Read(token) is not { } ticket || ticket.SourceUnit != unit)
            return StationError.Forbidden($"the transfer ticket is missing, expired, forged or does not read unit '{unit}'");
        if (ticket.AllowDelete || ticket.DestinationUnit == DataPlaneRoutes.BrowserDestination || ticket.DestinationUnit.StartsWith(DataPlaneRoutes.ServicePrefix, StringComparison.Ordinal))
            return StationError.Conflict("only the destination unit of a copy pulls directly");
        int q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(q < 0 ? "" : pathAndQuery[q..]);
        string? peerCa = query.TryGetValue("peerCa", out var given) && given.Count == 1 ? given[0] : null;
        if (!string.IsNullOrEmpty(peerCa))
        {
            using var ca = DirectSource.DecodeCa(peerCa);
            if (ca is null) return StationError.BadRequest("peerCa is not a certificate (base64url DER, at most 4096 characters)");
        }
        string url;
        if (o.DirectUrls.TryGetValue(unit, out var configured) && !string.IsNullOrWhiteSpace(configured)) url = configured.TrimEnd('/');
        else
        {
            var announced = tickets.DataUrlOf(unit);
            if (!announced.Ok) return announced.Error!;
            url = announced.Value!;
        }
        string? stationCa = certificates.Ca?.ExportCertificatePem();
        var offer = new DirectSource(
            tickets.Issue(ticket with { Id = null, User = null, PeerCa = string.IsNullOrEmpty(peerCa) ? null : peerCa, Size = -1, AllowDelete = false, ExpiresAt = tickets.Expiry }),
            url, stationCa);
        return offer.Problem() is { } problem ? StationError.Conflict($"unit '{unit}' cannot be pulled directly: {problem}") : offer;
    }

    /// <summary><see cref="Offer"/> as a unit's answer would come: JSON, or a problem.</summary>
    private DataAnswer OfferAnswer(string unit, string pathAndQuery, string token)
    {
        var offer = Offer(unit, pathAndQuery, token);
        if (!offer.Ok)
        {
            int status = offer.Error!.Kind switch
            {
                StationErrorKind.Forbidden => 403,
                StationErrorKind.BadRequest => 400,
                StationErrorKind.NotFound => 404,
                _ => 409,
            };
            return DataAnswer.Problem(status, offer.Error.Message);
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(offer.Value, OfferJson);
        return new DataAnswer(200, [new("Content-Type", ["application/json"])], new MemoryStream(json), json.Length);
    }

    /// <summary>The offer for a unit connected here, written to the agent that asked through this station's relay.</summary>
    private async Task<RelayResult> AnswerOfferAsync(Microsoft.AspNetCore.Http.HttpContext c, string unit, string pathAndQuery, string token)
    {
        await using var answer = OfferAnswer(unit, pathAndQuery, token);
        c.Response.StatusCode = answer.Status;
        c.Response.ContentType = answer.Headers[0].Value[0];
        c.Response.ContentLength = answer.Length;
        await answer.Body.CopyToAsync(c.Response.Body, c.RequestAborted).ConfigureAwait(false);
        return new RelayResult(answer.Status, 0, answer.Ok ? null : $"no direct pull from unit '{unit}' (HTTP {answer.Status})");
    }
}
