using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Units;

/// <summary>
/// The Units page's Tree view: the top layer of the fleet, and below each mid station its units, loaded from
/// <see cref="IConsoleUnitTree"/> when the station is expanded (200 at a time), indented by depth; a station's row
/// shows the counts of its whole subtree. Unit changes re-read the open layers, at most once per <see cref="Throttle"/>.
/// </summary>
public sealed partial class UnitTreeView : IDisposable
{
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(700);
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;
    private const int MaxDepth = 32;

    [Inject] private IConsoleUnitTree Tree { get; set; } = default!;

    /// <summary>The loaded rows of one layer and how many it has in all (null key: the top).</summary>
    private sealed record Layer(List<UnitTreeNode> Items, int Total, string? Error);

    private Layer _top = new([], 0, null);
    private readonly Dictionary<string, Layer> _open = new(StringComparer.Ordinal);
    private IDisposable? _subscription;
    private readonly CancellationTokenSource _closed = new();
    private int _refreshPending;

    protected override void OnInitialized()
    {
        _top = Read(null, 0);
        _subscription = Tree.Subscribe(ScheduleRefresh);
    }

    /// <summary>At least <paramref name="rows"/> rows of the layer below <paramref name="parent"/> (a page when 0), read page by page.</summary>
    private Layer Read(string? parent, int rows)
    {
        var items = new List<UnitTreeNode>();
        int total = 0;
        do
        {
            var page = Tree.Children(parent, items.Count);
            if (!page.Ok) return new Layer(items, total, page.Error!.Message);
            items.AddRange(page.Value!.Items);
            total = page.Value.Total;
            if (page.Value.Items.Count == 0) break;
        }
        while (items.Count < rows && items.Count < total);
        return new Layer(items, total, null);
    }

    private void Toggle(string id)
    {
        if (!_open.Remove(id)) _open[id] = Read(id, 0);
    }

    private void More(string? parent)
    {
        var layer = parent is null ? _top : _open[parent];
        var page = Tree.Children(parent, layer.Items.Count);
        var next = page.Ok ? new Layer([.. layer.Items, .. page.Value!.Items], page.Value.Total, null) : layer with { Error = page.Error!.Message };
        if (parent is null) _top = next;
        else _open[parent] = next;
    }

    /// <summary>The rows to draw: each layer's rows, an open station's layer below it one step in, then a "more" row.</summary>
    private IEnumerable<Row> Rows()
    {
        var shown = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<Row> Walk(string? parent, Layer layer, int depth)
        {
            foreach (var node in layer.Items)
            {
                if (!shown.Add(node.Unit.Id)) continue;
                bool open = _open.TryGetValue(node.Unit.Id, out var below) && depth < MaxDepth;
                yield return new Row(node, null, depth, open);
                if (open)
                    foreach (var row in Walk(node.Unit.Id, below!, depth + 1)) yield return row;
            }
            if (layer.Error is not null || layer.Items.Count < layer.Total || (parent is not null && layer.Total == 0))
                yield return new Row(null, parent, depth, false, layer);
        }
        return Walk(null, _top, 0);
    }

    /// <summary>A unit's row, or (<see cref="Node"/> null) the foot of the layer below <see cref="Parent"/>: more to load, none, or an error.</summary>
    private sealed record Row(UnitTreeNode? Node, string? Parent, int Depth, bool Open, Layer? Layer = null);

    /// <summary>"1,204 units", then each status with units in it: online, unreachable, offline, then any other.</summary>
    public static IReadOnlyList<(string Text, string Status)> Chips(SubtreeCounts counts)
    {
        static int Rank(string s) => s switch { "online" => 0, "unreachable" => 1, "offline" => 2, _ => 3 };
        var chips = new List<(string, string)> { ($"{counts.Total.ToString("N0", Culture)}{(counts.Cut ? "+" : "")} unit{(counts.Total == 1 ? "" : "s")}", "") };
        foreach (var (status, n) in counts.ByStatus.Where(p => p.Value > 0).OrderBy(p => Rank(p.Key)).ThenBy(p => p.Key, StringComparer.Ordinal))
            chips.Add(($"{n.ToString("N0", Culture)} {status}", status));
        return chips;
    }

    private static string ChipClass(string status) => status.Length > 0 ? $"utree-chip state-{status}" : "utree-chip";

    private static string Indent(int depth) => $"--depth:{depth}";

    private static string MoreText(Layer layer) =>
        $"Show {Math.Min(UnitTree.PageSize, layer.Total - layer.Items.Count).ToString("N0", Culture)} more ({layer.Items.Count.ToString("N0", Culture)} of {layer.Total.ToString("N0", Culture)} shown)";

    private void ScheduleRefresh()
    {
        if (Interlocked.Exchange(ref _refreshPending, 1) == 1) return;
        _ = RefreshLaterAsync();
    }

    private async Task RefreshLaterAsync()
    {
        try
        {
            await Task.Delay(Throttle, _closed.Token);
            Interlocked.Exchange(ref _refreshPending, 0);
            await InvokeAsync(() =>
            {
                Refresh();
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // The view closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while the refresh waited.
        }
    }

    /// <summary>Re-reads the top and every open layer, as many rows as each shows; a station gone from view closes.</summary>
    private void Refresh()
    {
        _top = Read(null, _top.Items.Count);
        foreach (var id in _open.Keys.ToList())
        {
            var layer = Read(id, _open[id].Items.Count);
            if (layer.Error is not null && layer.Items.Count == 0) _open.Remove(id);
            else _open[id] = layer;
        }
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        _subscription?.Dispose();
    }
}
