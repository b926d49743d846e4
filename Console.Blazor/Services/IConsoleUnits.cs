using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The unit list at fleet scale, as the circuit's user sees it: one sorted page of the matches of a query over
/// <see cref="UnitDirectory.Query"/> (so a user granted 20 units finds exactly those 20), with the total and the counts
/// by status, OS and tag. Pages render only the page they show; nothing here hands a component the whole fleet to draw.
/// </summary>
public interface IConsoleUnits
{
    /// <summary>Rows <paramref name="skip"/>.. of the matches, sorted by <c>name</c>, <c>status</c> (offline first) or <c>id</c>.</summary>
    Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take);

    /// <summary>How many of the units matching <paramref name="search"/> are online/offline, run each OS, carry each tag.</summary>
    UnitCounts Counts(string? search);

    /// <summary>The unit, or null when it is unknown or not visible to the user.</summary>
    UnitView? Find(string id);

    /// <summary>Units that change; null when the user's grants changed. Handlers run off the renderer: hop with InvokeAsync.</summary>
    IDisposable Subscribe(Action<UnitView?> handler);
}

/// <summary>One page of units and how many matched in all.</summary>
public sealed record UnitListing(IReadOnlyList<UnitView> Items, int Total);

/// <summary>Counts by status, by OS (the os-release family when the unit announced one) and by tag, largest first.</summary>
public sealed record UnitCounts(
    IReadOnlyList<KeyValuePair<string, int>> Status,
    IReadOnlyList<KeyValuePair<string, int>> Os,
    IReadOnlyList<KeyValuePair<string, int>> Tags,
    int Total)
{
    public static readonly UnitCounts None = new([], [], [], 0);

    /// <summary>The key a unit is counted under in <see cref="Os"/>; filtering by it with <see cref="UnitQuery.Os"/> finds the unit.</summary>
    public static string OsOf(UnitView u) => UnitTally.OsOf(u);

    /// <summary>The counts of a list of units (test doubles count their own fleets with this).</summary>
    public static UnitCounts Of(IReadOnlyList<UnitView> units)
    {
        static IReadOnlyList<KeyValuePair<string, int>> Count(IEnumerable<string> keys) => keys
            .GroupBy(k => k, StringComparer.Ordinal).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        return new UnitCounts(Count(units.Select(u => u.Status)), Count(units.Select(OsOf).Where(o => o.Length > 0)),
            Count(units.SelectMany(u => u.Tags ?? [])), units.Count);
    }

    /// <summary>The station's tally, each count largest first.</summary>
    public static UnitCounts Of(UnitTally tally)
    {
        static IReadOnlyList<KeyValuePair<string, int>> Sorted(IReadOnlyDictionary<string, int> counts) =>
            [.. counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)];
        return new UnitCounts(Sorted(tally.Status), Sorted(tally.Os), Sorted(tally.Tags), tally.Total);
    }
}

public sealed class ConsoleUnits(ConsoleUser user, UnitDirectory directory) : IConsoleUnits
{
    public Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take) => ListAs(directory, user.Caller, query, sort, skip, take);

    public UnitCounts Counts(string? search) => CountsAs(directory, user.Caller, search);

    /// <summary>Asks the directory for exactly this page (it filters by the caller's grants, sorts and skips in one pass).</summary>
    public static Outcome<UnitListing> ListAs(UnitDirectory directory, Caller caller, UnitQuery query, string sort, int skip, int take)
    {
        if (take <= 0) return new UnitListing([], 0);
        var page = directory.Query(caller, query with
        {
            Sort = UnitSorts.All.Contains(sort) ? sort : UnitSorts.Name,
            Offset = Math.Max(0, skip),
            Limit = Math.Min(take, UnitDirectory.MaxLimit),
            Cursor = null,
        });
        return page.Ok ? new UnitListing(page.Value!.Items, page.Value.Total) : page.Error!;
    }

    /// <summary>The directory's one-pass tally of the caller's units matching the search.</summary>
    public static UnitCounts CountsAs(UnitDirectory directory, Caller caller, string? search) => UnitCounts.Of(directory.Count(caller, search));

    public UnitView? Find(string id) => directory.View(user.Caller, id).Value;

    public IDisposable Subscribe(Action<UnitView?> handler)
    {
        var changes = directory.Subscribe(u =>
        {
            if (directory.View(user.Caller, u.Id).Ok) handler(u);
        });
        var access = user.OnAccessChanged(() => handler(null));
        return new Both(changes, access);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
