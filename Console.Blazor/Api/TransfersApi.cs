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
    public const string BrowserUnit = "browser";

    public static RouteGroupBuilder MapTransfersApi(this RouteGroupBuilder api)
    {
        var files = api.MapGroup("/units/{id}/files").WithTags("Units");
        files.MapGet("", Download).Produces(200, contentType: "application/octet-stream").ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        var services = api.MapGroup("/units/{id}/services").WithTags("Units");
        services.MapGet("", (HttpContext c, UnitServices s, string id) => Problems.Map(s.List(c.Caller(), id), Results.Ok))
            .Produces<IReadOnlyList<UnitServiceView>>().ProducesProblem(404);
        services.MapGet("/{name}", UseService).Produces(200, contentType: "application/octet-stream").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        files.MapPut("", Upload).Produces<DataHash>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413).ProducesProblem(429);
        return api;
    }

    /// <summary>Maps the agents' relay at /relay/v1/units/{unit}/data/v1/…; the ticket is its authorisation.</summary>
    public static IEndpointRouteBuilder MapDataRelay(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(DataPlaneRoutes.RelayPrefix + "/{unit}/{**route}", ["GET", "PUT", "DELETE"],
            (HttpContext c, DataRelay relay, string unit, string route) => relay.ForwardAsync(c, unit, route))
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
                transfer.Report, stop: transfer.Aborted);
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
        await relay.PipeAsync(c, id, HttpMethod.Get, grant.Value!.PathAndQuery, grant.Value.Ticket, c.Request.Headers.Range.ToString(), null);
    }

    private static async Task Upload(HttpContext c, TransferTickets tickets, DataRelay relay, UnitDirectory units, VolumeQuotas quotas, string id, string? path, bool? overwrite)
    {
        long max = tickets.Options.MaxUploadBytes;
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
        if (c.Request.ContentLength is { } length && length > max)
        {
            await Results.Problem($"the upload is {length:N0} bytes; this station accepts at most {max:N0} (Transfers:MaxUploadBytes)", statusCode: 413).ExecuteAsync(c);
            return;
        }
        // Into a volume no body may outgrow the volume, announced or not (the quota counted the announced length at admission).
        if (quotas.VolumeOf(path) is { } volume) max = Math.Min(max, volume.SizeMiB << 20);
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = max;
        long? announced = c.Request.ContentLength;
        await RunAsTaskAsync(c, TaskKinds.FilesUpload, id, path,
            transferId => FilesUpload.Contract.Write(new FilesUploadParameters(path, transferId, announced, overwrite == true)), transfer =>
        {
            var ticket = tickets.Issue(new TransferTicket(0, BrowserUnit, path, id, path, max, false, tickets.Expiry));
            string query = $"{DataPlaneRoutes.File}?path={Uri.EscapeDataString(path)}&overwrite={(overwrite == true ? "true" : "false")}";
            return relay.PipeAsync(c, id, HttpMethod.Put, query, ticket, null, c.Request.Body, transfer.Report, stop: transfer.Aborted);
        });
    }
}
