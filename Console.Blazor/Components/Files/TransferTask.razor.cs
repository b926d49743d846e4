using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// The task of one browser download or upload (<c>files.download</c> / <c>files.upload</c>): found among the
/// user's tasks by kind, unit and path once the request is admitted, shown with its state and progress, and
/// opened as a pane in the workspace like any task.
/// </summary>
public sealed partial class TransferTask : ComponentBase, IDisposable
{
    private LiveTaskUpdates? _subscription;
    private TaskView? _task;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private PaneWorkspace Workspace { get; set; } = default!;

    [Parameter, EditorRequired] public string Kind { get; set; } = "";
    [Parameter, EditorRequired] public string UnitId { get; set; } = "";
    [Parameter, EditorRequired] public string Path { get; set; } = "";

    /// <summary>When the person started the transfer: a matching task admitted since then (even one already ended) is theirs.</summary>
    [Parameter] public DateTimeOffset Since { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>
    /// How long before the click reached the circuit the station may have admitted the transfer: the browser sends
    /// the request at once, while the click travels over a possibly busy circuit.
    /// </summary>
    public static readonly TimeSpan AdmittedBeforeClick = TimeSpan.FromSeconds(30);

    /// <summary>The task's id once found.</summary>
    public long? TaskId => _task?.Id;

    protected override void OnInitialized()
    {
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            foreach (var u in updates) Seen(u.Task);
        });
        // Admitted before this component listened (a small file may even be done): the newest matching one since the click.
        var already = Tasks.List(new TaskQuery(Owner: Tasks.UserName, Target: UnitId, Limit: 50)).Where(t => Matches(t) && t.CreatedAt >= Since).MaxBy(t => t.Id);
        if (already is not null) Seen(already);
    }

    private void Seen(TaskView task)
    {
        if (_task is null ? !Matches(task) : task.Id != _task.Id) return;
        bool first = _task is null;
        _task = task;
        if (first) Workspace.Show(task.Id);
        StateHasChanged();
    }

    private bool Matches(TaskView t) =>
        t.Kind == Kind && new TaskQuery(Owner: Tasks.UserName, Target: UnitId).Matches(t)
        && t.Parameters is { } p && BrowserTransferKinds.PathOf(t.Kind, p) == Path;

    public void Dispose() => _subscription?.Dispose();
}
