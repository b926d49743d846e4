using Ccdsvm.Shared.Contracts;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Pages;

/// <summary>
/// The tasks the person may see, searched by text and filtered by kind, state and unit; each row says what the
/// task is about (its contract's subject) and, once it failed, why. Live changes come in, go or change in place as
/// <see cref="TaskQuery.Matches"/> says, the same filter the station's list applies.
/// </summary>
public sealed partial class TaskList : ComponentBase, IDisposable
{
    private static readonly TaskState[] States = Enum.GetValues<TaskState>();

    /// <summary>The kinds under their groups, by the names people use.</summary>
    private static readonly IReadOnlyList<IGrouping<string, IKindContract>> KindsByGroup = KindGroups.Of(KindContracts.All);

    private IReadOnlyList<TaskView> _tasks = [];
    private string _state = "";
    private string _unit = "";
    private string _kind = "";
    private string _text = "";
    private string? _error;
    private LiveTaskUpdates? _subscription;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private TaskQuery Query => new(NullIfEmpty(_state), null, NullIfEmpty(_unit), Kind: NullIfEmpty(_kind), Text: NullIfEmpty(_text.Trim()));

    private static string TitleOf(string kind) => KindContracts.TryGet(kind, out var c) ? c.Title : kind;

    private static string? SubjectOf(TaskView task) =>
        task.Parameters is { } p && KindContracts.TryGet(task.Kind, out var c) ? c.Subject(p) : null;

    /// <summary>"/tasks?state=failed" opens the list filtered to a state (the first screen's "See failed tasks").</summary>
    [SupplyParameterFromQuery(Name = "state")]
    private string? StateFromLink { get; set; }

    protected override void OnInitialized()
    {
        if (StateFromLink is { } linked && TaskStateExtensions.TryParseApi(linked, out var state)) _state = state.ToApi();
        Reload();
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            var query = Query;
            foreach (var u in updates) _tasks = Apply(_tasks, u.Task, query);
            StateHasChanged();
        });
    }

    /// <summary>
    /// The list after a change of <paramref name="task"/>: replaced while it matches, removed when it no longer does, added
    /// on top when new; never longer than the query's limit (the oldest go), so a console left open, or one that stopped
    /// reading, holds a bounded list however many tasks the station runs (issue 16.2).
    /// </summary>
    public static IReadOnlyList<TaskView> Apply(IReadOnlyList<TaskView> tasks, TaskView task, TaskQuery query)
    {
        var list = tasks.ToList();
        int i = list.FindIndex(t => t.Id == task.Id);
        bool matches = query.Matches(task);
        if (i >= 0 && matches) list[i] = task;
        else if (i >= 0) list.RemoveAt(i);
        else if (matches) list.Insert(0, task);
        if (list.Count > query.Limit) list.RemoveRange(query.Limit, list.Count - query.Limit);
        return list;
    }

    private void StateChanged(ChangeEventArgs e)
    {
        _state = e.Value?.ToString() ?? "";
        Reload();
    }

    private void KindChanged(ChangeEventArgs e)
    {
        _kind = e.Value?.ToString() ?? "";
        Reload();
    }

    private void TextChanged(ChangeEventArgs e)
    {
        _text = e.Value?.ToString() ?? "";
        Reload();
    }

    private void UnitChanged(string? unit)
    {
        _unit = unit ?? "";
        Reload();
    }

    private void Open(long id) => Navigation.NavigateTo($"/?task={id}");

    private void Reload()
    {
        _error = _text.Length > TaskQuery.MaxText ? $"the search text is longer than {TaskQuery.MaxText} characters" : null;
        _tasks = _error is null ? Tasks.List(Query) : [];
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    public void Dispose() => _subscription?.Dispose();
}
