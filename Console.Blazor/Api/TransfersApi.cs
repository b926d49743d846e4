using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Volumes;
using Microsoft.AspNetCore.Http.Features;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// Browser uploads and downloads (<c>/api/v1/units/{id}/files?path=</c>), relayed by the station with
/// backpressure, and the relay agents fall back to when they cannot reach each other (ticket-authorised).
/// </summary>
public static partial class TransfersApi
{
    public const string BrowserUnit = DataPlaneRoutes.BrowserDestination;

    public static RouteGroupBuilder MapTransfersApi(this RouteGroupBuilder api)
    {
        var files = api.MapGroup("/units/{id}/files").WithTags("Units");
        files.MapGet("", Download).Produces(200, contentType: "application/octet-stream").ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        var services = api.MapGroup("/units/{id}/services").WithTags("Units");
        services.MapGet("", (HttpContext c, UnitServices s, string id) => Problems.Map(s.List(c.Caller(), id), Results.Ok))
            .Produces<IReadOnlyList<UnitServiceView>>().ProducesProblem(404);
        services.MapGet("/{name}", UseService).Produces(200, contentType: "application/octet-stream").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        files.MapPut("", Upload).Produces<DataHash>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(411).ProducesProblem(413).ProducesProblem(429);
        files.MapGet("/partial", Partial).Produces<DataPartial>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    /// <summary>Maps the agents' relay at /relay/v1/units/{unit}/data/v1/…; the ticket is its authorisation.</summary>
    public static IEndpointRouteBuilder MapDataRelay(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(DataPlaneRoutes.RelayPrefix + "/{unit}/{**route}", ["GET", "PUT", "DELETE"],
            (HttpContext c, DataRelay relay, string unit, string route) => relay.ForwardAsync(c, unit, route))
            .AllowAnonymous().ExcludeFromDescription();
        // A mid station below PUTs the answer to a read asked of it; the random id said only to it is the authorisation.
        endpoints.MapPut(DataPlaneRoutes.AnswersPrefix + "/{id}", (HttpContext c, DataRendezvous rendezvous) => rendezvous.AnswerAsync(c))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task Download(HttpContext c, TransferTickets tickets, DataRelay relay, UnitDirectory units, string id, string? path)
    {
        if (!UnitPath.TryCanonicalize(path, out var canonical, out var problem))
        {
            await Problems.BadRequest($"'path' {problem}; give the absolute path of a file inside one of the unit's roots").ExecuteAsync(c);
            return;
        }
        path = canonical;
        if (units.Demand(c.Caller(), id, ResourcePath.File(id, path), Privileges.FilesDownload, "files.download") is { } refusal)
        {
            await Problems.From(refusal).ExecuteAsync(c);
            return;
        }
        await RunAsTaskAsync(c, TaskKinds.FilesDownload, id, path, transferId => FilesDownload.Contract.Write(new FilesDownloadParameters(path, transferId)), transfer =>
        {
            // Issued once the task holds its lock, so a long wait does not eat the ticket's life.
            var ticket = tickets.Issue(new TransferTicket(0, id, path, BrowserUnit, path, -1, false, tickets.Expiry));
            c.Response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileName(path).Replace("\"", "")}\"";
            return relay.PipeAsync(c, id, HttpMethod.Get, $"{DataPlaneRoutes.File}?path={Uri.EscapeDataString(path)}", ticket, c.Request.Headers.Range.ToString(), null,
                transfer.Report, user: c.Caller().Name, stop: transfer.Aborted);
        });
    }

    /// <summary>A file or a listing from a service the unit publishes, with the station's grant; the unit checks it again.</summary>
    private static async Task UseService(HttpContext c, UnitServices services, DataRelay relay, string id, string name, string? path)
    {
        var grant = services.Authorize(c.Caller(), id, name, path);
        if (!grant.Ok)
        {
            await Problems.From(grant.Error!).ExecuteAsync(c);
            return;
        }
        await relay.PipeAsync(c, id, HttpMethod.Get, grant.Value!.PathAndQuery, grant.Value.Ticket, c.Request.Headers.Range.ToString(), null, user: c.Caller().Name);
    }

    /// <summary>
    /// PUT ?path=&amp;overwrite= streams a file to the unit. With resumable=true the unit keeps what arrived of a broken
    /// upload under its hidden temporary name (GET …/files/partial says how much); offset=N then sends only the rest of a
    /// file of N + Content-Length bytes, and sha256= makes the unit check the whole file before it takes the final name.
    /// </summary>
    private static async Task Upload(HttpContext c, TransferTickets tickets, DataRelay relay, UnitDirectory units, VolumeQuotas quotas, string id, string? path, bool? overwrite,
        bool? resumable, long? offset, string? sha256)
    {
        long max = tickets.Options.MaxUploadBytes;
        long from = offset ?? 0;
        if (from < 0 || (from > 0 && c.Request.ContentLength is null))
        {
            await Problems.BadRequest("'offset' must be 0 or more, and a resumed upload needs a Content-Length (the rest of the file)").ExecuteAsync(c);
            return;
        }
        if (sha256 is not null && (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit)))
        {
            await Problems.BadRequest("'sha256' must be 64 hexadecimal digits: the SHA-256 of the whole file").ExecuteAsync(c);
            return;
        }
        if (!UnitPath.TryCanonicalize(path, out var canonical, out var problem))
        {
            await Problems.BadRequest($"'path' {problem}; give the absolute path of the file to write inside one of the unit's roots").ExecuteAsync(c);
            return;
        }
        path = canonical;
        if (units.Demand(c.Caller(), id, ResourcePath.File(id, path), Privileges.FilesUpload, "files.upload") is { } refusal)
        {
            await Problems.From(refusal).ExecuteAsync(c);
            return;
        }
        if (c.Request.ContentLength is { } length && from + length > max)
        {
            await Results.Problem($"the upload is {from + length:N0} bytes; this station accepts at most {max:N0} (Transfers:MaxUploadBytes)", statusCode: 413).ExecuteAsync(c);
            return;
        }
        // Into a volume no body may outgrow the volume, announced or not (the quota counted the announced length at admission).
        if (quotas.VolumeOf(path) is { } volume) max = Math.Min(max, volume.SizeMiB << 20);
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = Math.Max(0, max - from);
        long? announced = c.Request.ContentLength is { } rest ? from + rest : null;
        await RunAsTaskAsync(c, TaskKinds.FilesUpload, id, path,
            transferId => FilesUpload.Contract.Write(new FilesUploadParameters(path, transferId, announced, overwrite == true, from > 0 ? from : null)), transfer =>
        {
            // The unit checks the path against this ticket again; the whole file (kept part and rest) must fit its size.
            var ticket = tickets.Issue(new TransferTicket(0, BrowserUnit, path, id, path, max, false, tickets.Expiry));
            string query = $"{DataPlaneRoutes.File}?path={Uri.EscapeDataString(path)}&overwrite={(overwrite == true ? "true" : "false")}"
                + (resumable == true ? "&resumable=true" : "") + (from > 0 ? $"&offset={from}" : "") + (sha256 is null ? "" : $"&sha256={sha256}");
            return relay.PipeAsync(c, id, HttpMethod.Put, query, ticket, null, c.Request.Body, transfer.Report, stop: transfer.Aborted);
        });
    }
}
