using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// A scripted <see cref="IConsoleBulk"/>: children as a test sets them, and previews answered by <see cref="PreviewAnswer"/>
/// (by default: the scripted units whose name matches the selector's name pattern and whose status matches), each request kept.
/// </summary>
public sealed class ScriptedConsoleBulk(ScriptedConsoleTasks tasks) : IConsoleBulk
{
    public List<BulkChildView> Children { get; set; } = [];
    public StationError? Refusal { get; set; }
    public List<BulkPreviewRequest> Previewed { get; } = [];
    public Func<BulkPreviewRequest, Outcome<BulkPreview>>? PreviewAnswer { get; set; }

    public Outcome<BulkPreview> Preview(BulkPreviewRequest request)
    {
        Previewed.Add(request);
        if (PreviewAnswer is { } answer) return answer(request);
        var s = request.Selector!;
        var units = tasks.UnitList.Where(u => (s.Status is null || u.Status == s.Status) && (s.Name is null || Matches(u.Name, s.Name))).ToList();
        if (units.Count == 0) return StationError.BadRequest("the selector matches no unit");
        return new BulkPreview(units.Count, units.Take(BulkPreview.SampleSize).Select(u => new BulkPreviewUnit(u.Id, u.Name, u.Status, null)).ToList(), 0, 0,
            units.Count(u => u.Status != "online"));
    }

    Outcome<BulkChildPage> IConsoleBulk.Children(long parentId, string? state, int offset, int limit)
    {
        if (Refusal is { } refused) return refused;
        var all = Children.ToList();
        int Count(string s) => all.Count(c => c.State == s);
        var summary = new BulkSummary("storage.inventory", all.Count, Count(BulkTasks.Pending), Count("running"), Count("succeeded"), Count("failed"),
            Count("cancelled"), Count("interrupted"), Count(BulkTasks.Skipped), 2, null, null);
        var items = state is null ? all : all.Where(c => c.State == state).ToList();
        return new BulkChildPage(items.Skip(offset).Take(limit).ToList(), items.Count, summary);
    }

    /// <summary>A name pattern with a trailing <c>*</c> or none, which is all the scripted tests use.</summary>
    private static bool Matches(string name, string pattern) =>
        pattern.EndsWith('*') ? name.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase) : string.Equals(name, pattern, StringComparison.OrdinalIgnoreCase);
}
