using System.Globalization;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/units, a unit's storage (<c>…/storage</c>) and folder listings (<c>…/entries?path=</c>), both read without tasks.</summary>
public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this RouteGroupBuilder api)
    {
        var units = api.MapGroup("/units").WithTags("Units");
        // Without parameters: every unit the caller sees, as an array (as before). With any of search, status, tag, parent,
        // os, kind (unit or station: a mid station enrolled below this one), name (a pattern: * any run, ? one character), limit, cursor, sort (id, name, status: offline first) or offset: one page {items, total, nextCursor}; the cursor
        // pages in id order, offset in any order. An unknown parent is a 404.
        units.MapGet("", (HttpContext context, UnitDirectory directory, string? search, string? status, string? tag, string? parent, string? os, int? limit,
                string? cursor, string? sort, int? offset, string? kind, string? name) =>
            search is null && status is null && tag is null && parent is null && os is null && limit is null && cursor is null && sort is null && offset is null && kind is null && name is null
                ? Results.Ok(directory.All(context.Caller()))
                : Problems.Map(directory.Query(context.Caller(), new UnitQuery(search, status, tag, os, limit, cursor, parent, sort, offset, kind, name)), Results.Ok))
            .Produces<IReadOnlyList<UnitView>>().Produces<UnitPage>().ProducesProblem(400).ProducesProblem(404);
        // The fleet as a tree by layer: one page (200, name order, from offset) of the units directly below parent (the top
        // without it), each mid station with the counts by status of the units below it. Mapped before /{id}, so it wins.
        units.MapGet("/tree", (HttpContext context, UnitTree tree, string? parent, string? offset) =>
        {
            int from = 0;
            if (!string.IsNullOrEmpty(offset) && !int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out from))
                return Problems.BadRequest($"'offset' must be a whole number, 0 or more; got '{UnitDirectory.Echo(offset)}'");
            return Problems.Map(tree.Children(context.Caller(), parent, from), Results.Ok);
        }).Produces<UnitTreePage>().ProducesProblem(400).ProducesProblem(404);
        units.MapPut("/{id}/tags", async (HttpContext context, UnitDirectory directory, string id) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<SetUnitTags>();
            if (error is not null) return error;
            return Problems.Map(directory.SetTags(context.Caller(), id, body!, context.Connection.RemoteIpAddress?.ToString()), Results.Ok);
        }).Produces<UnitView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        units.MapGet("/{id}", (HttpContext context, UnitDirectory directory, string id) => Problems.Map(directory.View(context.Caller(), id), Results.Ok))
            .Produces<UnitView>().ProducesProblem(404);
        // The unit's storage without a task or a lock: the last reading, or with ?refresh=true one read now.
        units.MapGet("/{id}/storage", async (HttpContext context, UnitStorage storage, string id, bool? refresh) =>
        {
            if (refresh == true) return Problems.Map(await storage.RefreshAsync(context.Caller(), id, context.RequestAborted), Results.Ok);
            var latest = storage.Latest(context.Caller(), id);
            if (!latest.Ok || latest.Value is not null) return Problems.Map(latest, Results.Ok);
            return Problems.Map(await storage.RefreshAsync(context.Caller(), id, context.RequestAborted), Results.Ok);
        }).Produces<StorageSnapshot>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        // A folder listed as a view read: checked like fs.list, signed, checked again by the unit; no task, no lock.
        units.MapGet("/{id}/entries", async (HttpContext context, Station.Core.Tasks.UnitReads reads, string id, string? path) =>
            Problems.Map(await reads.ReadAsync(context.Caller(), id, FsList.Contract, new FsListParameters(path ?? ""), context.RequestAborted), Results.Ok))
            .Produces<FsListResult>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }
}
