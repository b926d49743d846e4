using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>The unit query service over the scripted tasks' units: search by id, name, host or tag, sorted by name.</summary>
public sealed class ScriptedConsoleUnits(ScriptedConsoleTasks tasks) : IConsoleUnits
{
    public Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take)
    {
        var matches = Matches(query);
        return new UnitListing(matches.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).Skip(skip).Take(take).ToList(), matches.Count);
    }

    public UnitCounts Counts(string? search) => UnitCounts.Of(Matches(new UnitQuery(Search: search)));

    public UnitView? Find(string id) => Snapshot().FirstOrDefault(u => u.Id == id);

    public IDisposable Subscribe(Action<UnitView?> handler) => tasks.SubscribeUnits(handler);

    private List<UnitView> Snapshot()
    {
        lock (tasks.UnitList) return [.. tasks.UnitList];
    }

    private List<UnitView> Matches(UnitQuery q)
    {
        bool Has(string? text) => q.Search is null || text?.Contains(q.Search, StringComparison.OrdinalIgnoreCase) == true;
        return Snapshot().Where(u => (q.Status is null || u.Status == q.Status)
            && (q.Tag is null || (u.Tags ?? []).Contains(q.Tag))
            && (q.Os is null || UnitCounts.OsOf(u) == q.Os)
            && (Has(u.Id) || Has(u.Name) || Has(u.Hostname) || (u.Tags ?? []).Any(Has))).ToList();
    }
}
