using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// The children of a bulk task in its pane: counts by state (each a filter), and a grid of unit, state, progress and error.
/// Live: any change of the parent or of a child shown reads the page again.
/// </summary>
public sealed partial class BulkChildren : ComponentBase, IDisposable
{
    public const int PageSize = 200;

    private BulkChildPage? _page;
    private string? _error;
    private string? _filter;
    private IDisposable? _subscription;
    private HashSet<long> _shown = [];

    [Inject] private IConsoleBulk Bulk { get; set; } = default!;
    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private PaneWorkspace Workspace { get; set; } = default!;

    [Parameter, EditorRequired] public long ParentId { get; set; }

    protected override void OnInitialized()
    {
        Load();
        _subscription = Tasks.SubscribeTasks(u =>
        {
            bool mine;
            lock (_shown) mine = u.Task.Id == ParentId || _shown.Contains(u.Task.Id);
            if (mine) _ = InvokeAsync(() => { Load(); StateHasChanged(); });
        });
    }

    private void Load()
    {
        var page = Bulk.Children(ParentId, _filter, 0, PageSize);
        _error = page.Error?.Message;
        _page = page.Value;
        lock (_shown) _shown = [.. (_page?.Items ?? []).Where(c => c.TaskId is not null).Select(c => c.TaskId!.Value)];
    }

    private Task FilterAsync(string? state)
    {
        _filter = _filter == state ? null : state;
        Load();
        return Task.CompletedTask;
    }

    /// <summary>The counts shown, each a filter; states with none are left out, all is always there.</summary>
    private static IEnumerable<(string? State, string Label, int Count)> Counts(BulkSummary s) =>
        new (string? State, int Count)[]
        {
            (null, s.Total), (BulkTasks.Pending, s.Pending), (BulkTasks.Active, s.Active), (TaskStateNames.Succeeded, s.Succeeded),
            (TaskStateNames.Failed, s.Failed), (TaskStateNames.Interrupted, s.Interrupted), (TaskStateNames.Cancelled, s.Cancelled), (BulkTasks.Skipped, s.Skipped),
        }.Where(c => c.State is null || c.Count > 0).Select(c => (c.State, Label(c.State), c.Count));

    private static string Label(string? state) => state switch
    {
        null => "all",
        BulkTasks.Active => "in the task list",
        _ => TaskStateExtensions.TryParseApi(state, out var s) ? TaskStateExtensions.ToWords(s) : state,
    };

    public void Dispose() => _subscription?.Dispose();
}
