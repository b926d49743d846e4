using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Pages;

/// <summary>
/// The units at fleet scale: one page of compact rows read from <see cref="IConsoleUnits"/> (search, status, OS, tag,
/// sort), the total and counts as chips that filter. Unit changes re-read the visible page, at most once per
/// <see cref="Throttle"/>, so ten thousand units coming online never re-render the whole fleet.
/// </summary>
public sealed partial class Units : IDisposable
{
    public const int PageSize = 50;
    private const int MaxChips = 12;
    private static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(700);
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    [Inject] private IConsoleUnits UnitList { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;

    /// <summary><c>?view=tree</c> opens the Tree view (the fleet by layer); the list is the default.</summary>
    [SupplyParameterFromQuery(Name = "view")] public string? View { get; set; }

    private bool _tree;

    private string _search = "", _status = "", _os = "", _tag = "", _sort = "name";
    private int _pageNumber = 1;
    private UnitListing _page = new([], 0);
    private UnitCounts _counts = UnitCounts.None;
    private string? _error;
    private IDisposable? _subscription;
    private readonly CancellationTokenSource _closed = new();
    private int _refreshPending;

    private bool Filtered => _search.Length > 0 || _status.Length > 0 || _os.Length > 0 || _tag.Length > 0;
    private int Pages => Math.Max(1, (_page.Total + PageSize - 1) / PageSize);

    protected override void OnInitialized()
    {
        _tree = View == "tree";
        if (!_tree) Load();
        _subscription = UnitList.Subscribe(_ => ScheduleRefresh());
    }

    private void Load()
    {
        var query = new UnitQuery(Search: _search.Length > 0 ? _search : null, Status: _status.Length > 0 ? _status : null,
            Tag: _tag.Length > 0 ? _tag : null, Os: _os.Length > 0 ? _os : null);
        var listing = UnitList.List(query, _sort, (_pageNumber - 1) * PageSize, PageSize);
        if (listing.Ok && listing.Value!.Items.Count == 0 && listing.Value.Total > 0 && _pageNumber > 1)
        {
            // The page emptied under us (units went away): show the last page that has rows.
            _pageNumber = (listing.Value.Total + PageSize - 1) / PageSize;
            listing = UnitList.List(query, _sort, (_pageNumber - 1) * PageSize, PageSize);
        }
        _error = listing.Ok ? null : listing.Error!.Message;
        _page = listing.Value ?? new UnitListing([], 0);
        _counts = UnitList.Counts(query.Search);
    }

    /// <summary>Re-reads the visible page once per <see cref="Throttle"/> however many units changed meanwhile.</summary>
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
                if (_tree) return;
                Load();
                StateHasChanged();
            });
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while the refresh waited.
        }
    }

    private string Summary()
    {
        if (_page.Total == 0) return "showing 0 units";
        int first = (_pageNumber - 1) * PageSize + 1, last = first + _page.Items.Count - 1;
        string range = _page.Total <= PageSize ? _page.Items.Count.ToString("N0", Culture) : $"{first.ToString("N0", Culture)}–{last.ToString("N0", Culture)}";
        string of = _counts.Total != _page.Total ? $" (filtered from {_counts.Total.ToString("N0", Culture)})" : "";
        return $"showing {range} of {_page.Total.ToString("N0", Culture)} unit{(_page.Total == 1 ? "" : "s")}{of}";
    }

    /// <summary>Switches between the list and the tree; the address keeps the choice (<c>?view=tree</c>) for a reload or a link.</summary>
    private void ShowTree(bool tree)
    {
        if (_tree == tree) return;
        _tree = tree;
        if (!tree) Load();
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("view", tree ? "tree" : null), new NavigationOptions { ReplaceHistoryEntry = true });
    }

    private static string FacetClass(bool on) => on ? "facet on" : "facet";

    private void SearchChanged(string? value) => Apply(() => _search = (value ?? "").Trim());
    private void StatusChanged(string? value) => Apply(() => _status = value ?? "");
    private void OsChanged(string? value) => Apply(() => _os = value ?? "");
    private void TagChanged(string? value) => Apply(() => _tag = value ?? "");
    private void SortChanged(string? value) => Apply(() => _sort = value ?? "name");

    private void ClearFilters() => Apply(() => _search = _status = _os = _tag = "");

    private void PageChanged(int page)
    {
        _pageNumber = page;
        Load();
    }

    private void Apply(Action change)
    {
        change();
        _pageNumber = 1;
        Load();
    }

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        _subscription?.Dispose();
    }
}
