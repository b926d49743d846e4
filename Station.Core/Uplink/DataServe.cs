using System.Collections.Concurrent;
using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Uplink;

/// <summary>
/// A mid station's side of a data-plane read the station above asks of a unit below it (README, "Layered stations"):
/// its transfer ticket was checked by the uplink against the pinned key; this station's ACL then decides for the upper
/// user (<c>user@label</c>, group <c>upstream</c>): the kind's privilege on the source path (data.move's, the download privilege for a browser's download, the service privilege for a published service). This station signs its own ticket for the unit (one per transfer
/// above, so the unit's session holds across the transfer's reads), reads the unit as it reads any, and PUTs the answer
/// up over a connection it opens.
/// </summary>
public sealed partial class DataServe(TaskRelay relay, UnitRegistry units, AccessControl access, TransferTickets tickets, DataRelay data, IUpstreamData upstream,
    TimeProvider time, ILogger<DataServe> logger)
{
    /// <summary>The longest one served read may stream.</summary>
    public static readonly TimeSpan ServeLimit = TimeSpan.FromHours(12);

    private const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<string, (string Ticket, DateTimeOffset At)> _issued = new(StringComparer.Ordinal);

    /// <summary>Null when the read was taken (its answer goes up), else why not, naming this station.</summary>
    public string? Serve(DataServeRequest request, TransferTicket above)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(above);
        if (request.Problem() is { } problem) return $"refused at {relay.Self}: {problem}";
        if (above.SourceUnit != request.Unit) return $"refused at {relay.Self}: the transfer ticket reads unit '{above.SourceUnit}', not '{request.Unit}'";
        if (upstream.StationUrl is null) return $"refused at {relay.Self}: it has no station above to answer";
        if (string.IsNullOrWhiteSpace(above.User) || above.User.Length > 400) return $"refused at {relay.Self}: the transfer ticket names no user to read for";
        var caller = relay.CallerOf(above.User);
        // What the ticket above is for says which right it takes here: a browser's download, a published service, or a copy.
        var (privilege, action) = above.DestinationUnit == DataPlaneRoutes.BrowserDestination ? (Privileges.FilesDownload, "files.download")
            : above.DestinationUnit.StartsWith(DataPlaneRoutes.ServicePrefix, StringComparison.Ordinal) ? (Privileges.ServicesUse, "services.use")
            : (DataMove.Contract.Privilege, "data.move (source)");
        string path = ResourcePath.File(request.Unit, above.SourcePath);
        if (units.View(request.Unit) is null) return relay.Refusal(caller, request.Unit, StationError.NotFound($"unit '{request.Unit}' is not known")).Error;
        if (access.Demand(caller, action, path, privilege) is { } denied) return relay.Refusal(caller, request.Unit, denied).Error;
        string ticket = TicketFor(above, request.Unit);
        _ = Task.Run(() => AnswerAsync(request, ticket, caller.Name));
        return null;
    }

    /// <summary>This station's ticket for the transfer above: issued once, so every read of the transfer is in the unit's one session.</summary>
    private string TicketFor(TransferTicket above, string unit)
    {
        var now = time.GetUtcNow();
        if (_issued.Count > MaxRemembered)
            foreach (var old in _issued.Where(e => now - e.Value.At > TimeSpan.FromDays(1)).Select(e => e.Key).ToList()) _issued.TryRemove(old, out _);
        return _issued.GetOrAdd(above.Id ?? $"{above.TaskId}:{above.SourcePath}", _ =>
            (tickets.Issue(new TransferTicket(above.TaskId, unit, above.SourcePath, above.DestinationUnit, above.DestinationPath, -1, false, tickets.Expiry)), now)).Ticket;
    }

    private async Task AnswerAsync(DataServeRequest request, string ticket, string user)
    {
        using var stop = new CancellationTokenSource(ServeLimit);
        try
        {
            await using var answer = await data.OpenAsync(request.Unit, request.PathAndQuery, ticket, request.Range, request.Session, user, stop.Token).ConfigureAwait(false);
            using var put = new HttpRequestMessage(HttpMethod.Put, $"{upstream.StationUrl!.ToString().TrimEnd('/')}{DataPlaneRoutes.AnswersPrefix}/{Uri.EscapeDataString(request.Id)}");
            put.Headers.TryAddWithoutValidation(DataPlaneRoutes.AnswerStatusHeader, answer.Status.ToString(CultureInfo.InvariantCulture));
            var content = new StreamContent(answer.Body, 1 << 20);
            if (answer.Length is { } length) content.Headers.ContentLength = length;
            foreach (var (name, values) in answer.Headers)
                if (!content.Headers.TryAddWithoutValidation(name, values)) put.Headers.TryAddWithoutValidation(name, values);
            put.Content = content;
            using var response = await upstream.SendAsync(put, stop.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) LogNotTaken(request.Unit, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(ex, request.Unit);
        }
    }

    [LoggerMessage(1920, LogLevel.Warning, "Uplink: the station above did not take the answer for unit '{Unit}' ({Status}); its read had ended")]
    private partial void LogNotTaken(string unit, int status);

    [LoggerMessage(1921, LogLevel.Warning, "Uplink: a read of unit '{Unit}' for the station above failed")]
    private partial void LogFailed(Exception ex, string unit);
}
