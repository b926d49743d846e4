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
    public static string OsOf(UnitView u) => u.Capabilities?.OsFamily is { Length: > 0 } family ? family : u.Os;

    public static UnitCounts Of(IReadOnlyList<UnitView> units)
    {
        static IReadOnlyList<KeyValuePair<string, int>> Count(IEnumerable<string> keys) => keys
            .GroupBy(k => k, StringComparer.Ordinal).Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        return new UnitCounts(Count(units.Select(u => u.Status)), Count(units.Select(OsOf).Where(o => o.Length > 0)),
            Count(units.SelectMany(u => u.Tags ?? [])), units.Count);
    }
}

public sealed class ConsoleUnits(ConsoleUser user, UnitDirectory directory) : IConsoleUnits
{
    public Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take)
    {
        var matches = Matches(query);
        if (!matches.Ok) return matches.Error!;
        IEnumerable<UnitView> units = matches.Value!;
        units = sort switch
        {
            "id" => units,
            "status" => units.OrderBy(u => u.Online).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal),
            _ => units.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Id, StringComparer.Ordinal),
        };
        return new UnitListing(units.Skip(Math.Max(0, skip)).Take(Math.Max(0, take)).ToList(), matches.Value!.Count);
    }

    public UnitCounts Counts(string? search)
    {
        var matches = Matches(new UnitQuery(Search: search));
        return matches.Ok ? UnitCounts.Of(matches.Value!) : UnitCounts.None;
    }

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

    /// <summary>Every match of the query, read page by page from the directory (which filters by the caller's grants).</summary>
    private Outcome<IReadOnlyList<UnitView>> Matches(UnitQuery query)
    {
        var all = new List<UnitView>();
        string? cursor = null;
        do
        {
            var page = directory.Query(user.Caller, query with { Limit = UnitDirectory.MaxLimit, Cursor = cursor });
            if (!page.Ok) return page.Error!;
            all.AddRange(page.Value!.Items);
            cursor = page.Value.NextCursor;
        }
        while (cursor is not null);
        return new Outcome<IReadOnlyList<UnitView>>(all, null);
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
