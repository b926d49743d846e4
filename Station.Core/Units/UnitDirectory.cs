using System.Text;
using Ccdsvm.Shared.Contracts;
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
    /// One page of the units the caller sees, filtered by a search over id, name, host name, OS, addresses and tags, by status,
    /// by tag, by OS (family or name) and by parent; with the total of matches. In id order (the station's own unit first) by
    /// default, or by name, or by status (offline first); the page starts after a cursor (id order only) or <see cref="UnitQuery.Offset"/>
    /// matches in. One pass over the registry's snapshot: only the page's views are collected, whatever the size of the fleet.
    /// Every unit's parent is this station (its own unit, <c>station</c>): <c>parent=station</c> lists the units directly below
    /// it, any other known unit has none below it, and an unknown one is answered 404.
    /// </summary>
    public Outcome<UnitPage> Query(Caller caller, UnitQuery q)
    {
        int limit = q.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit) return StationError.BadRequest($"'limit' must be between 1 and {MaxLimit}; the default is {DefaultLimit}");
        if (q.Status is { } st && st is not (UnitStatuses.Online or UnitStatuses.Offline or UnitStatuses.Unreachable)) return StationError.BadRequest($"'status' must be online, offline or unreachable; got '{Echo(st)}'");
        if (!string.IsNullOrEmpty(q.Kind) && q.Kind is { } kind && UnitKinds.Parse(kind) is null)
            return StationError.BadRequest($"'kind' must be one of {string.Join(", ", UnitKinds.All)}; got '{Echo(kind)}'");
        string sort = string.IsNullOrEmpty(q.Sort) ? UnitSorts.Id : q.Sort;
        if (!UnitSorts.All.Contains(sort)) return StationError.BadRequest($"'sort' must be one of {string.Join(", ", UnitSorts.All)}; got '{Echo(q.Sort)}'");
        int offset = q.Offset ?? 0;
        if (offset < 0) return StationError.BadRequest($"'offset' must be 0 or more; got {offset}");
        if (!string.IsNullOrEmpty(q.Cursor) && (sort != UnitSorts.Id || offset > 0))
            return StationError.BadRequest("'cursor' pages in id order only: with 'sort' or 'offset', page with 'offset' instead");
        string? after = null;
        if (!string.IsNullOrEmpty(q.Cursor))
        {
            try { after = Encoding.UTF8.GetString(Convert.FromBase64String(q.Cursor.Replace('-', '+').Replace('_', '/').PadRight((q.Cursor.Length + 3) / 4 * 4, '='))); }
            catch (FormatException) { return StationError.BadRequest("'cursor' is not one this station gave out; start again without it"); }
        }
        string? parent = string.IsNullOrWhiteSpace(q.Parent) ? null : q.Parent.Trim();
        if (parent is not null && parent != StationUnit && !(registry.View(parent) is not null && access.CanSeeUnit(caller, parent)))
            return StationError.NotFound($"unit '{parent}' is not known, so no unit is below it; 'parent' takes a unit id such as {StationUnit} (this station)");
        var filter = Filter(caller, q with { Parent = parent });
        var snapshot = registry.Snapshot();
        IEnumerable<UnitView> ordered = sort switch
        {
            UnitSorts.Name => snapshot.ByName,
            UnitSorts.Status => snapshot.ByName.Where(u => !u.Online).Concat(snapshot.ByName.Where(u => u.Online)),
            _ => snapshot.ById,
        };
        var page = new List<UnitView>(Math.Min(limit, 64));
        int total = 0, skipped = 0;
        bool more = false;
        foreach (var u in ordered)
        {
            if (!filter(u)) continue;
            total++;
            if (after is not null && string.CompareOrdinal(Key(u.Id), after) <= 0) continue;
            if (skipped < offset) skipped++;
            else if (page.Count < limit) page.Add(u);
            else more = true;
        }
        string? next = more && sort == UnitSorts.Id ? Cursor(Key(page[^1].Id)) : null;
        return new UnitPage(page, total, next);
    }

    /// <summary>
    /// How many of the units the caller sees that match <paramref name="search"/> are online/offline, run each OS, carry each
    /// tag: one pass over the registry's snapshot.
    /// </summary>
    public UnitTally Count(Caller caller, string? search)
    {
        var filter = Filter(caller, new UnitQuery(Search: search));
        Dictionary<string, int> status = new(StringComparer.Ordinal), os = new(StringComparer.Ordinal), tags = new(StringComparer.Ordinal);
        int total = 0;
        foreach (var u in registry.Snapshot().ById)
        {
            if (!filter(u)) continue;
            total++;
            status[u.Status] = status.GetValueOrDefault(u.Status) + 1;
            if (UnitTally.OsOf(u) is { Length: > 0 } o) os[o] = os.GetValueOrDefault(o) + 1;
            foreach (var t in u.Tags ?? []) tags[t] = tags.GetValueOrDefault(t) + 1;
        }
        return new UnitTally(status, os, tags, total);
    }

    /// <summary>Whether a unit is one the caller sees and matches the query's filters (not its paging).</summary>
    private Func<UnitView, bool> Filter(Caller caller, UnitQuery q)
    {
        static bool Has(string? text, string needle) => text?.Contains(needle, StringComparison.OrdinalIgnoreCase) == true;
        string? search = string.IsNullOrWhiteSpace(q.Search) ? null : q.Search.Trim();
        string? os = string.IsNullOrWhiteSpace(q.Os) ? null : q.Os.Trim();
        string? parent = q.Parent, status = q.Status, tag = string.IsNullOrEmpty(q.Tag) ? null : q.Tag, kind = string.IsNullOrEmpty(q.Kind) ? null : q.Kind;
        var name = string.IsNullOrWhiteSpace(q.Name) ? null : UnitNamePattern.Of(q.Name.Trim());
        // One level: this station's own units hang from its own unit, units below a mid station from that station.
        return u => (parent is null || (parent == StationUnit ? u.Id != StationUnit && u.Parent is null : u.Parent == parent))
            && (status is null || u.Status == status)
            && (kind is null || u.Kind == kind)
            && (name is null || name.IsMatch(string.IsNullOrEmpty(u.Name) ? u.Id : u.Name))
            && (tag is null || (u.Tags ?? []).Contains(tag, StringComparer.Ordinal))
            && (os is null || Has(u.Os, os) || string.Equals(u.Capabilities?.OsFamily, os, StringComparison.OrdinalIgnoreCase))
            && (search is null || Has(u.Id, search) || Has(u.Name, search) || Has(u.Hostname, search) || Has(u.Os, search)
                || u.Addresses.Any(a => Has(a, search)) || (u.Tags ?? []).Any(t => Has(t, search)))
            && access.CanSeeUnit(caller, u.Id);
    }

    /// <summary>This station's own unit: the parent of every unit connected here; a unit below a mid station has that station as its parent.</summary>
    public const string StationUnit = "station";

    /// <summary>A refused value as the refusal quotes it: at most 40 characters, so a huge value does not come back whole.</summary>
    public static string Echo(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + $"… ({value.Length} characters)";

    private static string Key(string id) => id == StationUnit ? "" : id;

    private static string Cursor(string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Replaces a unit's tags: lower-case letters, digits and <c>- _ . : =</c>, at most 32 of 40 characters. Needs Units.Enrol on the unit.</summary>
    public Outcome<UnitView> SetTags(Caller caller, string id, SetUnitTags request, string? address = null)
    {
        var unit = View(caller, id);
        if (!unit.Ok) return unit.Error!;
        if (access.Demand(caller, "unit.tags", ResourcePath.Unit(id), Privileges.UnitsEnrol) is { } denied) return denied;
        if (request.Tags is null) return StationError.BadRequest("'tags' is required: the unit's whole set of tags, e.g. [\"rack-4\", \"db\"] ([] removes them all)");
        if (TagsProblem(request.Tags) is { } bad) return StationError.BadRequest(bad);
        if (!registry.SetTags(id, request.Tags)) return StationError.NotFound($"unit '{id}' is not known");
        audit?.Write(caller.Name, "unit.tags", id, AuditOutcomes.Succeeded, request.Tags.Count == 0 ? "no tags" : string.Join(", ", request.Tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)), address);
        return registry.View(id)!;
    }

    /// <summary>What is wrong with a unit's tags (too many, or one that is not 1-40 of a-z 0-9 - _ . : =), or null; a long tag is quoted short.</summary>
    public static string? TagsProblem(IReadOnlyList<string> tags)
    {
        if (tags.Count > MaxTags) return $"a unit carries at most {MaxTags} tags; got {tags.Count}";
        foreach (var tag in tags)
            if (string.IsNullOrEmpty(tag) || tag.Length > MaxTagLength || !tag.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.' or ':' or '='))
                return $"tag '{Echo(tag)}' must be 1-{MaxTagLength} lower-case letters, digits and - _ . : =";
        return null;
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
