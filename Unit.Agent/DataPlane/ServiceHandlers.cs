using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Services this unit publishes: a read-only download of a directory, served only to a request
/// whose ticket the station signed for exactly that service and path. The unit checks again that it
/// publishes the service and that the path stays inside its directory and its roots.
/// </summary>
public sealed class ServiceHandlers(IOptions<AgentOptions> options, PathGuard guard, AgentCredentials credentials, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Map(IEndpointRouteBuilder app) => app.MapGet(DataPlaneRoutes.Service, Serve);

    private IResult Serve(HttpContext c)
    {
        string name = c.Request.Query["name"].ToString();
        string rel = c.Request.Query["path"].ToString();
        var ticket = credentials.OpenTransferTicket(c.Request.Headers[DataPlaneRoutes.TicketHeader]);
        if (ticket is null) return Refused("the request carries no grant signed by the station this unit enrolled with");
        if (ticket.IsExpired(_time.GetUtcNow())) return Refused(ClockTolerance.ExpiredMessage("the grant", ticket.ExpiresAt, _time.GetUtcNow()) + "; or ask the station again");
        if (ticket.SourceUnit != options.Value.Name) return Refused($"the grant is for unit '{ticket.SourceUnit}', this is '{options.Value.Name}'");
        if (ticket.DestinationUnit != DataPlaneRoutes.ServicePrefix + name || ticket.SourcePath != rel)
            return Refused($"the grant is for {ticket.DestinationUnit} path '{ticket.SourcePath}', not service:{name} path '{rel}'");
        if (!options.Value.PublishedServices.TryGetValue(name, out var dir))
            return Results.Problem($"unit '{options.Value.Name}' publishes no service '{name}'", statusCode: 404, title: "not found");
        string full = Path.GetFullPath(Path.Combine(dir, rel.TrimStart('/')));
        if (full != dir && !full.StartsWith(dir + "/", StringComparison.Ordinal)) return Refused($"'{rel}' leaves the service's directory");
        string real;
        try { real = guard.Resolve(full); }
        catch (TaskFailureException ex) { return Refused(ex.Message); }
        // A link inside the service's directory must not lead elsewhere, even to somewhere else inside the roots.
        string realDir = PathGuard.RealPath(dir).TrimEnd('/');
        if (real != realDir && !real.StartsWith(realDir + "/", StringComparison.Ordinal))
            return Refused($"'{rel}' is a link that leads out of service '{name}''s directory; the unit serves only what lies inside it");
        if (Directory.Exists(real))
            return Results.Json(new DirectoryInfo(real).EnumerateFileSystemInfos()
                .Select(e => new { name = e.Name, directory = e is DirectoryInfo, size = e is FileInfo f ? f.Length : 0, modified = e.LastWriteTimeUtc })
                .OrderBy(e => e.name, StringComparer.Ordinal).ToList());
        if (!File.Exists(real)) return Results.Problem($"'{rel}' does not exist in service '{name}'", statusCode: 404, title: "not found");
        return Results.File(real, "application/octet-stream", Path.GetFileName(real), enableRangeProcessing: true);
    }

    private static IResult Refused(string why) => Results.Problem(why, statusCode: 403, title: "refused by the unit");
}
