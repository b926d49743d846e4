using System.Text;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;

namespace Ccdsvm.Station.Core.Units;

/// <summary>
/// The units as one caller sees them: a unit they may not view (Units.View on /units/{id}) is absent,
/// answered exactly like an unknown one, never greyed out.
/// </summary>
public sealed class UnitDirectory(UnitRegistry registry, AccessControl access, AuditLog? audit = null)
{
    public const int DefaultLimit = 100, MaxLimit = 1000, MaxTags = 32, MaxTagLength = 40;

    public IReadOnlyList<UnitView> All(Caller caller) => registry.All().Where(u => access.CanSeeUnit(caller, u.Id)).ToList();

    /// <summary>
    /// One page of the units the caller sees, in id order (the station's own unit first), filtered by a search over id,
    /// name, host name, OS, addresses and tags, by status, by tag, by OS (family or name) and by parent; with the total of matches.
    /// Every unit's parent is this station (its own unit, <c>station</c>): <c>parent=station</c> lists the units directly below
    /// it, any other known unit has none below it, and an unknown one is answered 404.
    /// </summary>
    public Outcome<UnitPage> Query(Caller caller, UnitQuery q)
    {
        int limit = q.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit) return StationError.BadRequest($"'limit' must be between 1 and {MaxLimit}; the default is {DefaultLimit}");
        if (q.Status is { } st && st is not ("online" or "offline")) return StationError.BadRequest($"'status' must be online or offline; got '{st}'");
        string? after = null;
        if (!string.IsNullOrEmpty(q.Cursor))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(q.Cursor.Replace('-', '+').Replace('_', '/').PadRight((q.Cursor.Length + 3) / 4 * 4, '='))); }
            catch (FormatException) { return StationError.BadRequest("'cursor' is not one this station gave out; start again without it"); }
        }
        string? parent = string.IsNullOrWhiteSpace(q.Parent) ? null : q.Parent.Trim();
        if (parent is not null && parent != StationUnit && !(registry.View(parent) is not null && access.CanSeeUnit(caller, parent)))
            return StationError.NotFound($"unit '{parent}' is not known, so no unit is below it; 'parent' takes a unit id such as {StationUnit} (this station)");
        bool Has(string? text, string needle) => text?.Contains(needle, StringComparison.OrdinalIgnoreCase) == true;
        string? search = string.IsNullOrWhiteSpace(q.Search) ? null : q.Search.Trim();
        string? os = string.IsNullOrWhiteSpace(q.Os) ? null : q.Os.Trim();
        var matches = registry.All().Where(u => access.CanSeeUnit(caller, u.Id)
            && (parent is null || (parent == StationUnit && u.Id != StationUnit))
            && (q.Status is null || u.Status == q.Status)
            && (string.IsNullOrEmpty(q.Tag) || (u.Tags ?? []).Contains(q.Tag, StringComparer.Ordinal))
            && (os is null || Has(u.Os, os) || string.Equals(u.Capabilities?.OsFamily, os, StringComparison.OrdinalIgnoreCase))
            && (search is null || Has(u.Id, search) || Has(u.Name, search) || Has(u.Hostname, search) || Has(u.Os, search)
                || u.Addresses.Any(a => Has(a, search)) || (u.Tags ?? []).Any(t => Has(t, search))))
            .ToList();
        var page = matches.Where(u => after is null || string.CompareOrdinal(Key(u.Id), after) > 0).Take(limit + 1).ToList();
        string? next = page.Count > limit ? Cursor(Key(page[limit - 1].Id)) : null;
        return new UnitPage(page.Take(limit).ToList(), matches.Count, next);
    }

    /// <summary>This station's own unit: the parent of every other unit (layered stations come later).</summary>
    public const string StationUnit = "station";

    private static string Key(string id) => id == StationUnit ? "" : id;

    private static string Cursor(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Replaces a unit's tags: lower-case letters, digits and <c>- _ . : =</c>, at most 32 of 40 characters. Needs Units.Enrol on the unit.</summary>
    public Outcome<UnitView> SetTags(Caller caller, string id, SetUnitTags request, string? address = null)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error!;
        if (access.Demand(caller, "unit.tags", ResourcePath.Unit(id), Privileges.UnitsEnrol) is { } denied) return denied;
        if (request.Tags is null) return StationError.BadRequest("'tags' is required: the unit's whole set of tags, e.g. [\"rack-4\", \"db\"] ([] removes them all)");
        if (request.Tags.Count > MaxTags) return StationError.BadRequest($"a unit carries at most {MaxTags} tags; got {request.Tags.Count}");
        foreach (var tag in request.Tags)
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength || !tag.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or ':' or '='))
                return StationError.BadRequest($"tag '{tag}' must be 1-{MaxTagLength} lower-case letters, digits and - _ . : =");
        if (!registry.SetTags(id, request.Tags)) return StationError.NotFound($"unit '{id}' is not known");
        audit?.Write(caller.Name, "unit.tags", id, AuditOutcomes.Succeeded, request.Tags.Count == 0 ? "no tags" : string.Join(", ", request.Tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), address);
        return registry.View(id)!;
    }

    public Outcome<UnitView> View(Caller caller, string id) =>
        registry.View(id) is { } unit && access.CanSeeUnit(caller, id) ? unit : StationError.NotFound($"unit '{id}' is not known");

    /// <summary>404 for a unit the caller cannot see, 403 (audited) when they see it but may not watch it.</summary>
    public StationError? DemandMonitor(Caller caller, string id)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error;
        return access.Demand(caller, "units.monitor", ResourcePath.Unit(id), Privileges.UnitsMonitor);
    }

    /// <summary>404 for a unit the caller cannot see, 403 (audited) when the privilege is missing on the path.</summary>
    public StationError? Demand(Caller caller, string id, string path, string privilege, string action)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error;
        return access.Demand(caller, action, path, privilege);
    }

    public IDisposable Subscribe(Action<UnitView> handler) => registry.Subscribe(handler);
}
