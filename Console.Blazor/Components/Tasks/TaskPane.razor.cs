using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>One task, live: progress, stage, log, timings, locks and a cancel button.</summary>
public sealed partial class TaskPane : ComponentBase, IDisposable
{
    private const int MaxLogLines = LiveTaskUpdates.MaxLogLines;
    private readonly List<string> _log = [];
    private TaskView? _task;
    private LiveTaskUpdates? _subscription;
    private bool _cancelling;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter, EditorRequired] public long TaskId { get; set; }

    [Parameter] public EventCallback<long> OnClose { get; set; }

    /// <summary>A task started from this pane (an undo such as "Mount again"); without it the task opens as a workspace pane.</summary>
    [Parameter] public EventCallback<long> OnStarted { get; set; }

    /// <summary>The kind as people name it ("Make a file system"); the kind's own name where it has no contract.</summary>
    private string KindTitle => _task is null ? "" : KindContracts.TryGet(_task.Kind, out var contract) ? contract.Title : _task.Kind;

    /// <summary>Where the station runs it, for whoever wants to know; kept out of the caption.</summary>
    private string RunsText
    {
        get
        {
            if (_task is null) return "";
            string slot = _task.Slot is { } s ? $"It uses one of the station's task places (number {s + 1})" : "It holds no task place now";
            string thread = _task.DedicatedThread switch
            {
                true => ", on a thread of its own on the unit, as long storage work does",
                false => ", on the unit's shared workers",
                _ => "",
            };
            return $"{slot}{thread}. Kind: {_task.Kind}.";
        }
    }

    /// <summary>The stage; with its number only when there is more than one; nothing when the state chip says the same.</summary>
    private string? StageText
    {
        get
        {
            if (_task?.Stage is not { Length: > 0 } stage || SaysState(stage)) return null;
            bool running = _task.State is TaskStateNames.Dispatched or TaskStateNames.Running;
            return running && _task.StageCount > 1 && _task.StageIndex > 0 ? $"stage {_task.StageIndex} of {_task.StageCount}: {stage}" : stage;
        }
    }

    /// <summary>The error, unless it only repeats the state (a cancelled task whose error is only the word for its state).</summary>
    private string? ErrorText => _task?.Error is { } error && !SaysState(error) ? error : null;

    private bool SaysState(string text) => _task is not null && (text.Equals(_task.State, StringComparison.OrdinalIgnoreCase)
        || (TaskStateExtensions.TryParseApi(_task.State, out var state) && text.Equals(state.ToWords(), StringComparison.OrdinalIgnoreCase)));

    private bool Succeeded => _task?.State == TaskStateNames.Succeeded;

    /// <summary>What the task waits for, one line per lock: the holders by number and owner, and the reason they gave.</summary>
    private IReadOnlyList<WaitLine> Waits => _task is null ? [] : WaitLine.Of(_task);

    /// <summary>The log lines, each with what a known tool message means (<see cref="ToolMessages"/>).</summary>
    private IEnumerable<(string Text, string? Note)> LogEntries =>
        _log.Select((line, i) => ((i > 0 ? "\n" : "") + line, ToolMessages.Explain(line, Succeeded)));

    private Color ProgressColor => _task?.State switch
    {
        Shared.Contracts.TaskStateNames.Succeeded => Color.Success,
        Shared.Contracts.TaskStateNames.Failed or Shared.Contracts.TaskStateNames.Interrupted => Color.Error,
        Shared.Contracts.TaskStateNames.Cancelled => Color.Default,
        Shared.Contracts.TaskStateNames.WaitingForLocks => Color.Warning,
        _ => Color.Primary,
    };

    /// <summary>A short label for why the task did not succeed, where the state chip does not already say it.</summary>
    private string? ErrorKindText => _task?.ErrorKind switch
    {
        Shared.Contracts.TaskErrorKind.Invalid => "invalid input",
        Shared.Contracts.TaskErrorKind.NotFound => "not found",
        Shared.Contracts.TaskErrorKind.Conflict => "conflict",
        Shared.Contracts.TaskErrorKind.Forbidden => "not allowed",
        Shared.Contracts.TaskErrorKind.Refused => "refused",
        Shared.Contracts.TaskErrorKind.Unavailable => "unit unavailable",
        Shared.Contracts.TaskErrorKind.Timeout => "timed out",
        _ => null,
    };

    private string Duration => _task is { EndedAt: { } end } ? $"{(end - (_task.StartedAt ?? _task.CreatedAt)).TotalSeconds:0.0} s" : "";

    private static string Time(DateTimeOffset t) => t.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    protected override void OnParametersSet()
    {
        if (_task?.Id == TaskId) return;
        _subscription?.Dispose();
        _log.Clear();
        // Subscribe before reading, so a change between the read and the subscription is not missed.
        long id = TaskId;
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, OnUpdates, t => t.Id == id);
        _task = Tasks.Get(TaskId);
        // Its log, and the warnings the station wrote into its record at the start (a duplicate address).
        foreach (var e in Tasks.Events(TaskId).Where(e => e.Type is "log" or TaskStore.WarningEvent && e.Message is not null).TakeLast(MaxLogLines))
            _log.Add(e.Type == TaskStore.WarningEvent ? "warning: " + e.Message : e.Message!);
    }

    /// <summary>On the renderer: the task's latest update since the last render (one per task; only this pane's task passes).</summary>
    private void OnUpdates(IReadOnlyList<TaskUpdate> updates)
    {
        foreach (var update in updates)
        {
            if (update.Task.Id != TaskId) continue;
            _task = update.Task;
            _log.AddRange(update.NewLogLines);
            if (_log.Count > MaxLogLines) _log.RemoveRange(0, _log.Count - MaxLogLines);
        }
        StateHasChanged();
    }

    private bool _askCancel;

    private async Task CancelAsync()
    {
        _askCancel = false;
        _cancelling = true;
        var outcome = await Tasks.CancelAsync(TaskId);
        if (!outcome.Ok) Snackbar.Add(outcome.Error!.Message, Severity.Error);
        else _task = outcome.Value;
        _cancelling = false;
    }

    public void Dispose() => _subscription?.Dispose();
}
