using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Bulk;

/// <summary>A bulk request as checked: the child kind and parameters, the units in rollout order, and the rollout resolved to numbers.</summary>
internal sealed record BulkPlan(string Kind, string ParametersJson, IReadOnlyList<string> Units, int Parallelism, double BatchWaitSeconds, int? Budget,
    BulkRollout Rollout, BulkSelector? Selector);

/// <summary>
/// Checks a bulk request before anything is stored: every refusal names the field. Units come from the explicit
/// <c>targets</c> or from the units list's own filter (<see cref="UnitDirectory.Query"/>) for a <c>selector</c>; a target the
/// owner may not use is not refused here: its child fails with the usual refusal when it is admitted, and counts as a failure.
/// </summary>
internal static class BulkRequestCheck
{
    public const int MaxUnits = 10_000, MaxPatternLength = 100;
    public const double MaxBatchWaitSeconds = 86_400;

    public static Outcome<BulkPlan> Check(SubmitTask request, Caller caller, UnitDirectory directory)
    {
        if (string.IsNullOrWhiteSpace(request.Kind)) return StationError.BadRequest("'kind' is required, e.g. \"fs.list\"");
        if (!KindContracts.TryGet(request.Kind, out _))
            return StationError.BadRequest($"unknown task kind '{UnitDirectory.Echo(request.Kind)}'; kinds: {string.Join(", ", KindContracts.All.Select(c => c.Kind).Order(StringComparer.Ordinal))}");
        if (!string.IsNullOrEmpty(request.Target))
            return StationError.BadRequest("give either 'target' (one unit) or 'targets' / 'selector' (a bulk task over many units), not both");
        if (request.Targets is not null && request.Selector is not null)
            return StationError.BadRequest("give either 'targets' (a list of unit ids) or 'selector' (filters over the units list), not both");
        if (request.Targets is null && request.Selector is null)
            return StationError.BadRequest("'rollout' needs 'targets' (a list of unit ids) or 'selector' (filters over the units list)");
        var rollout = request.Rollout ?? new BulkRollout();
        if (RolloutProblem(rollout) is { } bad) return StationError.BadRequest(bad);
        var units = Resolve(request.Targets, request.Selector, caller, directory);
        if (!units.Ok) return units.Error!;
        var ordered = Order(units.Value!, rollout.Order);
        int total = ordered.Count;
        int parallelism = Math.Min(total, (rollout.Parallelism ?? BulkParallelism.Of(1)).For(total));
        int? budget = Budget(rollout, total);
        string parameters = request.Parameters is { } p ? p.GetRawText() : "null";
        return new BulkPlan(request.Kind, parameters, ordered.Select(u => u.Id).ToList(), parallelism, rollout.BatchWaitSeconds ?? 0, budget, rollout, request.Selector);
    }

    /// <summary>
    /// The failure budget: the smaller of <c>maxFailures</c> and <c>maxFailurePercent</c> of the units (rounded up, at least
    /// 1); without either, 1 unless <c>keepGoing</c> is true (then none).
    /// </summary>
    public static int? Budget(BulkRollout rollout, int total)
    {
        int? fromPercent = rollout.MaxFailurePercent is { } pct ? Math.Max(1, (int)Math.Ceiling(total * pct / 100.0)) : null;
        if (rollout.MaxFailures is { } n) return fromPercent is { } f ? Math.Min(n, f) : n;
        if (fromPercent is not null) return fromPercent;
        return rollout.KeepGoing == true ? null : 1;
    }

    /// <summary>The units of explicit <paramref name="targets"/> or of a <paramref name="selector"/> (exactly one is given).</summary>
    internal static Outcome<IReadOnlyList<UnitView>> Resolve(IReadOnlyList<string>? targets, BulkSelector? selector, Caller caller, UnitDirectory directory) =>
        targets is not null ? FromTargets(targets, caller, directory) : FromSelector(selector!, caller, directory);

    internal static string? RolloutProblem(BulkRollout r)
    {
        if (r.Parallelism?.Problem() is { } p) return p;
        if (r.BatchWaitSeconds is { } w && (double.IsNaN(w) || w < 0 || w > MaxBatchWaitSeconds))
            return $"'rollout.batchWaitSeconds' must be between 0 and {MaxBatchWaitSeconds} seconds; got {w}";
        if (r.Order is { } o && !BulkOrders.All.Contains(o))
            return $"'rollout.order' must be one of {string.Join(", ", BulkOrders.All)}; got '{UnitDirectory.Echo(o)}'";
        if (r.MaxFailures is { } m && m < 1) return $"'rollout.maxFailures' must be at least 1; got {m} (for no budget leave it out and set 'keepGoing': true)";
        if (r.MaxFailurePercent is { } pct && (double.IsNaN(pct) || pct <= 0 || pct > 100))
            return $"'rollout.maxFailurePercent' must be more than 0 and at most 100; got {pct}";
        return null;
    }

    private static Outcome<IReadOnlyList<UnitView>> FromTargets(IReadOnlyList<string> targets, Caller caller, UnitDirectory directory)
    {
        if (targets.Count == 0) return StationError.BadRequest("'targets' is empty: name at least one unit id");
        if (targets.Count > MaxUnits) return StationError.BadRequest($"'targets' names {targets.Count} units; a bulk task takes at most {MaxUnits}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var units = new List<UnitView>(targets.Count);
        foreach (var t in targets)
        {
            if (string.IsNullOrWhiteSpace(t)) return StationError.BadRequest("'targets' has an empty unit id");
            if (!seen.Add(t)) return StationError.BadRequest($"'targets' names unit '{UnitDirectory.Echo(t)}' twice");
            // A unit the owner cannot see stays a target: its child is refused at admission like any task of theirs would be.
            var view = directory.View(caller, t);
            units.Add(view.Ok ? view.Value! : Placeholder(t));
        }
        return units;
    }

    private static Outcome<IReadOnlyList<UnitView>> FromSelector(BulkSelector s, Caller caller, UnitDirectory directory)
    {
        if (new[] { s.Tag, s.Status, s.Parent, s.Os, s.Name, s.Search, s.Kind }.All(string.IsNullOrWhiteSpace))
            return StationError.BadRequest("'selector' has no filter: give at least one of tag, status, parent, os, name, search, kind (every unit: {\"name\": \"*\"})");
        if (s.Name is { Length: > MaxPatternLength }) return StationError.BadRequest($"'selector.name' is longer than {MaxPatternLength} characters");
        var units = new List<UnitView>();
        var query = new UnitQuery(s.Search, s.Status, s.Tag, s.Os, UnitDirectory.MaxLimit, null, s.Parent, UnitSorts.Name, 0, s.Kind, s.Name);
        while (true)
        {
            var page = directory.Query(caller, query with { Offset = units.Count });
            if (!page.Ok) return new StationError(page.Error!.Kind, "selector: " + page.Error.Message);
            if (page.Value!.Total > MaxUnits) return StationError.BadRequest($"the selector matches {page.Value.Total} units; a bulk task takes at most {MaxUnits}");
            units.AddRange(page.Value.Items);
            if (page.Value.Items.Count == 0 || units.Count >= page.Value.Total) break;
        }
        if (units.Count == 0) return StationError.BadRequest("the selector matches no unit");
        return units;
    }

    private static UnitView Placeholder(string id) => new(id, id, UnitStatuses.Offline, null, "", "", "", 0, 0, [], [], [], DateTimeOffset.MinValue, null);

    private static List<UnitView> Order(IReadOnlyList<UnitView> units, string? order) => order switch
    {
        BulkOrders.Name => units.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal).ToList(),
        BulkOrders.Tag => units.OrderBy(u => (u.Tags ?? []).Order(StringComparer.Ordinal).FirstOrDefault() ?? "\uffff", StringComparer.Ordinal)
            .ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal).ToList(),
        BulkOrders.Random => units.OrderBy(_ => Random.Shared.Next()).ToList(),
        _ => [.. units],
    };

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
