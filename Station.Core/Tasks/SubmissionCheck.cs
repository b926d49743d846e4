using System.Text.Json;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// What a submission must pass before it is queued for admission: a known kind, a target the caller may see and
/// run the kind on, valid parameters in their canonical form, and a lock plan on lockable paths the caller holds
/// the kind's privilege on. Touches no engine state and takes no lock.
/// </summary>
internal sealed class SubmissionCheck(TaskKindCatalog catalog, UnitRegistry units, AccessControl access)
{
    private readonly TaskKindCatalog _catalog = catalog;
    private readonly UnitRegistry _units = units;
    private readonly AccessControl _access = access;

    /// <summary>Whether the caller may see the unit (to name it in a warning, or not).</summary>
    public bool MaySee(Caller caller, string unitId) => _access.CanSeeUnit(caller, unitId);

    /// <summary>
    /// The kind, target, canonical parameters (as JSON and parsed), lock plan and the resources its ticket names (the whole
    /// plan, normalised, before a relayed task's plan is cut to this station's units) of a valid submission; the refusal otherwise.
    /// </summary>
    public Outcome<(TaskKindDefinition, string, string, IReadOnlyList<LockRequest>, JsonElement, IReadOnlyList<string>?)> Check(SubmitTask request, Caller caller)
    {
        if (string.IsNullOrWhiteSpace(request.Kind))
            return StationError.BadRequest($"'kind' is required; known kinds: {_catalog.KnownKinds}");
        if (!_catalog.TryGet(request.Kind, out var definition))
            return StationError.BadRequest($"unknown task kind '{request.Kind}'; known kinds: {_catalog.KnownKinds}");
        string target;
        // The action named in a refusal's audit line, built once for the several checks below.
        string action = "task.submit " + definition.Kind;
        if (definition.RunsAtStation)
        {
            if (request.Target is { Length: > 0 } t && t != TaskEngine.StationTarget)
                return StationError.BadRequest($"{definition.Kind} runs at the station: its target is '{TaskEngine.StationTarget}'");
            target = TaskEngine.StationTarget;
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Target))
                return StationError.BadRequest("'target' is required: a unit id from GET /api/v1/units, or 'station'");
            var unit = _units.View(request.Target);
            // A unit the caller may not see does not exist for them: the same answer as an unknown one.
            if (unit is null || !_access.CanSeeUnit(caller, unit.Id))
                return StationError.NotFound($"unit '{request.Target}' is not known; known units: {string.Join(", ", _units.All().Where(u => _access.CanSeeUnit(caller, u.Id)).Select(u => u.Id))}");
            // The kind's privilege on the unit comes before anything else: no parameter hints to who may not run it.
            if (_access.Demand(caller, action, ResourcePath.Unit(unit.Id), definition.Privilege) is { } denied) return denied;
            if (!unit.Online)
                return StationError.Conflict($"unit '{unit.Id}' is offline since {unit.OfflineSince:yyyy-MM-dd HH:mm:ss} UTC; start its agent or choose another unit");
            target = unit.Id;
        }
        var parameters = request.Parameters is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } p ? p : JsonDocument.Parse("{}").RootElement;
        // Paths come back in their one canonical form, before anything authorises, locks, stores or signs them.
        if (definition.Validate(parameters, target, out parameters) is { } problem)
            return StationError.BadRequest(problem);
        // A kind the unit cannot run (its agent lacks it, or a tool it needs is not installed there) never reaches admission.
        // The console offers only what the same check allows (KindAbility).
        if (KindAbility.Refusal(definition, target, parameters, _units.InventoryOf(target)?.Capabilities) is { } unable)
            return StationError.Conflict(unable);
        // A network change that would cut the unit off the station only when the user said they know (the agent's timer still protects).
        if (NetCutOff.Refusal(definition.Kind, target, parameters, _units) is { } cutOff)
            return StationError.Conflict(cutOff);
        if (request.WaitSeconds is { } w && (w < 0 || w > 86400 || double.IsNaN(w)))
            return StationError.BadRequest("'waitSeconds' must be between 0 and 86400");
        if (request.IdempotencyKey is { Length: > 200 })
            return StationError.BadRequest("the idempotency key is longer than 200 characters");
        var plan = definition.LockPlan(target, parameters);
        var ticketResources = TicketResources(plan);
        // A resource on a unit this station does not know, in a task relayed from the station above (README, "Layered
        // stations": the source of a copy that lies beyond this station): the station above locked and authorised it.
        if (caller.Groups?.Contains(AccessControl.UpstreamGroup) == true)
            plan = [.. plan.Where(r => ResourcePath.Parse(r.Resource) is not { } unitOf || unitOf.Unit == target || _units.View(unitOf.Unit) is not null)];
        var badResource = plan.FirstOrDefault(r => !r.Resource.StartsWith("/units/", StringComparison.Ordinal) && !r.Resource.StartsWith("/station/", StringComparison.Ordinal));
        if (badResource is not null)
            return StationError.BadRequest($"resource '{badResource.Resource}' is not a lockable path: use /units/<unit>/… or /station/…");
        // The privilege of the kind on every resource it touches: a deeper grant (or NoAccess) on a path decides there.
        // Each path once, in plan order; a long plan keeps a set rather than looking back along itself.
        var seen = plan.Count > 16 ? new HashSet<string>(StringComparer.Ordinal) : null;
        for (int i = 0; i < plan.Count; i++)
        {
            string path = plan[i].Resource;
            if (seen is null ? SeenBefore(plan, i, path) : !seen.Add(path)) continue;
            if (_access.Demand(caller, action, path, definition.Privilege) is { } refusal) return refusal;
        }
        // Parsed once: the parameters travel on as text (stored, signed) and as this element (the admitted task's view).
        return (definition, target, parameters.GetRawText(), plan, parameters.Clone(), ticketResources);
    }

    /// <summary>
    /// The whole plan's resources in their canonical form, as the ticket names them; null when a path has none (the
    /// sender then works them out again and falls back as it always did).
    /// </summary>
    private static List<string>? TicketResources(IReadOnlyList<LockRequest> plan)
    {
        var names = new List<string>(plan.Count);
        try
        {
            for (int i = 0; i < plan.Count; i++) names.Add(ResourcePath.Normalize(plan[i].Resource));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            return null;
        }
        return names;
    }

    /// <summary>Whether a resource before <paramref name="at"/> in the plan is <paramref name="path"/> (each path is checked once, in plan order).</summary>
    private static bool SeenBefore(IReadOnlyList<LockRequest> plan, int at, string path)
    {
        for (int j = 0; j < at; j++)
            if (string.Equals(plan[j].Resource, path, StringComparison.Ordinal)) return true;
        return false;
    }
}
