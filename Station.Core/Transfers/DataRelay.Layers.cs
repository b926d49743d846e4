using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Http;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// Reads of a unit that is not connected here (README, "Layered stations"): one below a mid station is asked of that
/// station, whose answer comes back through <see cref="DataRendezvous"/>; one this station does not know, for a data.move
/// relayed from above, goes up to the station above with its ticket there. The bytes are relayed through the lowest
/// station both ends hang under; the destination still checks SHA-256 end to end. Writes (uploads, a move's deletion) do
/// not cross stations.
/// </summary>
public sealed partial class DataRelay
{
    /// <summary>The longest a mid station below may take to start answering a read.</summary>
    public static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(30);

    /// <summary>Whether <paramref name="unit"/> is reached through another station (<see cref="TransferTickets.ThroughStation"/>).</summary>
    public bool ThroughStation(string unit) => tickets.ThroughStation(unit);

    /// <summary>
    /// Opens a read of <paramref name="unit"/>'s data plane (GET <paramref name="pathAndQuery"/>) with <paramref name="token"/>,
    /// a transfer ticket this station signed: straight from the unit, through the mid station below it, or through the
    /// station above. <paramref name="user"/> is who reads (a mid station's ACL decides for them there); the answer is
    /// the unit's, or a problem naming the station that stopped it.
    /// </summary>
    public async Task<DataAnswer> OpenAsync(string unit, string pathAndQuery, string token, string? range, string? session, string user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (units.View(unit) is null)
            return upstream.StationUrl is null ? DataAnswer.Problem(404, $"unit '{unit}' is not known") : await UpAsync(unit, pathAndQuery, token, range, session, cancellationToken).ConfigureAwait(false);
        if (units.RouteOf(unit) != unit) return await DownAsync(unit, pathAndQuery, token, range, session, user, cancellationToken).ConfigureAwait(false);
        if (IsDirect(pathAndQuery)) return OfferAnswer(unit, pathAndQuery, token);
        var baseUrl = tickets.DataUrlOf(unit);
        if (!baseUrl.Ok) return DataAnswer.Problem(baseUrl.Error!.Kind == StationErrorKind.Forbidden ? 403 : 409, baseUrl.Error.Message);
        using var request = DataRequest(baseUrl.Value + pathAndQuery, token, range, session);
        request.Options.Set(UnitKey, unit);
        try
        {
            var response = await HttpFor(unit, baseUrl.Value!).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return await DataAnswer.FromAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return DataAnswer.Problem(502, $"{Here} cannot reach unit '{unit}''s data plane at {baseUrl.Value}: {ex.Message}");
        }
    }

    private string Here => upstream.StationUrl is null ? "the station" : "a mid station";

    /// <summary>A read of a unit below a mid station: asked of that station, answered by its PUT.</summary>
    private async Task<DataAnswer> DownAsync(string unit, string pathAndQuery, string token, string? range, string? session, string user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(user)) return DataAnswer.Problem(403, $"a read of unit '{unit}' below another station needs the user it is for");
        // The station below learns whom the read is for from this station's signature, not from the request's words.
        if (tickets.ReadSigned(token) is not { } ticket) return DataAnswer.Problem(403, "the transfer ticket is not this station's");
        string signed = tickets.Issue(ticket with { User = user });
        string id = rendezvous.Open();
        string? refusal;
        try
        {
            refusal = await link.ServeAsync(unit, new DataServeRequest(id, unit, pathAndQuery, signed, NullIfEmpty(range), NullIfEmpty(session)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            refusal = $"the station through which unit '{unit}' is reached could not be asked: {ex.Message}";
        }
        if (refusal is not null)
        {
            rendezvous.Close(id);
            return DataAnswer.Problem(refusal.StartsWith("refused", StringComparison.Ordinal) ? 403 : 502, refusal);
        }
        return await rendezvous.WaitAsync(id, AnswerWait, cancellationToken).ConfigureAwait(false)
            ?? DataAnswer.Problem(504, $"the station through which unit '{unit}' is reached took the read but did not answer within {AnswerWait.TotalSeconds:0} s");
    }

    /// <summary>A read of a unit this station does not know, for a data.move relayed from above: up, with the ticket of the station above.</summary>
    private async Task<DataAnswer> UpAsync(string unit, string pathAndQuery, string token, string? range, string? session, CancellationToken cancellationToken)
    {
        var ticket = tickets.ReadSigned(token);
        if (ticket is null || upstreamTickets.TicketOf(ticket.TaskId) is not { } above)
            return DataAnswer.Problem(404, $"unit '{unit}' is not known here, and no task relayed from the station above reads from it");
        using var request = DataRequest($"{upstream.StationUrl!.ToString().TrimEnd('/')}{DataPlaneRoutes.RelayPrefix}/{Uri.EscapeDataString(unit)}{pathAndQuery}", above, range, session);
        try
        {
            var response = await upstream.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return await DataAnswer.FromAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return DataAnswer.Problem(502, $"the station above cannot be reached for unit '{unit}': {ex.Message}");
        }
    }

    private static HttpRequestMessage DataRequest(string url, string token, string? range, string? session)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation(DataPlaneRoutes.TicketHeader, token);
        if (!string.IsNullOrEmpty(range)) request.Headers.TryAddWithoutValidation("Range", range);
        if (!string.IsNullOrEmpty(session)) request.Headers.TryAddWithoutValidation(DataPlaneRoutes.SessionHeader, session);
        return request;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// <see cref="PipeAsync"/> for a unit reached through another station: reads only; the answer is streamed to the caller
    /// as it comes, with progress, and a refusal's words become the result's reason.
    /// </summary>
    private async Task<RelayResult> PipeThroughAsync(HttpContext c, string unit, HttpMethod method, string pathAndQuery, string token, string? range,
        Action<long, long>? progress, bool forwardSession, string user, CancellationToken stop)
    {
        if (method != HttpMethod.Get)
        {
            string refused = $"unit '{unit}' is reached through another station, and only reads cross stations: upload to it, or delete a moved source, at the station it hangs under";
            await Results.Problem(refused, statusCode: 409, title: "not across stations").ExecuteAsync(c).ConfigureAwait(false);
            return new RelayResult(409, 0, refused);
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stop);
        string? session = forwardSession ? c.Request.Headers[DataPlaneRoutes.SessionHeader].ToString() : null;
        await using var answer = await OpenAsync(unit, pathAndQuery, token, range, session, user, linked.Token).ConfigureAwait(false);
        c.Response.StatusCode = answer.Status;
        foreach (var (name, values) in answer.Headers)
            if (forwardSession || name != DataPlaneRoutes.SessionHeader) c.Response.Headers[name] = values;
        if (answer.Length is { } length && answer.Ok) c.Response.ContentLength = length;
        if (!answer.Ok)
        {
            string detail = await answer.DetailAsync(linked.Token).ConfigureAwait(false);
            c.Response.ContentLength = null;
            c.Response.ContentType = "application/problem+json";
            await c.Response.WriteAsJsonAsync(new { status = answer.Status, detail }, linked.Token).ConfigureAwait(false);
            return new RelayResult(answer.Status, 0, detail);
        }
        long done = await CopyAsync(answer.Body, c.Response.Body, progress, answer.Length ?? -1, linked.Token).ConfigureAwait(false);
        return new RelayResult(answer.Status, done, null);
    }
}
