using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>
/// What a bulk task would run on, read before it starts: the same units a submission would resolve (the selector
/// through the units list's own filter), and for each whether the caller may run the kind there and whether its agent
/// can. Reads only what is in memory; nothing is stored or locked.
/// </summary>
public sealed class BulkPreviews(UnitDirectory units, AccessControl access, TaskKindCatalog catalog)
{
    public Outcome<BulkPreview> Preview(BulkPreviewRequest request, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.Kind)) return StationError.BadRequest("'kind' is required, e.g. \"fs.list\"");
        if (!catalog.TryGet(request.Kind, out var definition))
            return StationError.BadRequest($"unknown task kind '{UnitDirectory.Echo(request.Kind)}'");
        if ((request.Targets is null) == (request.Selector is null))
            return StationError.BadRequest("give either 'targets' (a list of unit ids) or 'selector' (filters over the units list)");
        var resolved = BulkRequestCheck.Resolve(request.Targets, request.Selector, caller, units);
        if (!resolved.Ok) return resolved.Error!;

        var ordered = resolved.Value!.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal).ToList();
        var sample = new List<BulkPreviewUnit>(Math.Min(ordered.Count, BulkPreview.SampleSize));
        int mayNot = 0, cannot = 0, offline = 0;
        foreach (var unit in ordered)
        {
            string? refusal = null;
            if (!access.Allows(caller, ResourcePath.Unit(unit.Id), definition.Privilege))
            {
                mayNot++;
                refusal = $"you lack {definition.Privilege} on {ResourcePath.Unit(unit.Id)}";
            }
            else if (KindAbility.Refusal(definition, unit.Id, unit.Capabilities) is { } unable)
            {
                cannot++;
                refusal = unable;
            }
            if (unit.Status != UnitStatuses.Online) offline++;
            if (sample.Count < BulkPreview.SampleSize) sample.Add(new BulkPreviewUnit(unit.Id, unit.Name, unit.Status, refusal));
        }
        return new BulkPreview(ordered.Count, sample, mayNot, cannot, offline);
    }
}
