using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// "Mount again" under a succeeded unmount (<see cref="Services.Undo.MountAgain"/>): one click starts the storage.mount
/// task and shows it where the pane says (the Storage page follows it), else as a workspace pane. Offered only to someone who may mount on the unit.
/// </summary>
public sealed partial class MountAgain : ComponentBase
{
    private StorageMountParameters? _plan;
    private long? _planFor;
    private long? _started;
    private string? _error;
    private bool _busy;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private PaneWorkspace Workspace { get; set; } = default!;

    /// <summary>The unmount task; nothing is shown unless it succeeded.</summary>
    [Parameter, EditorRequired] public TaskView Unmount { get; set; } = default!;

    /// <summary>Where the started mount is shown; without it, as a pane of the workspace.</summary>
    [Parameter] public EventCallback<long> OnStarted { get; set; }

    protected override void OnParametersSet()
    {
        if (_planFor == Unmount.Id && _plan is not null) return;
        _planFor = Unmount.Id;
        _plan = Tasks.MayRun(StorageMount.Contract.Kind, Unmount.Target)
            ? Services.Undo.MountAgain(Unmount, Tasks.List(new TaskQuery(State: Shared.Contracts.TaskStateNames.Succeeded, Target: Unmount.Target,
                Limit: Services.Undo.MountsLookedAt, Kind: StorageMount.Contract.Kind)))
            : null;
    }

    private static string Describe(StorageMountParameters p) =>
        $"Unmounted {p.Mountpoint}. Mount {p.Device} there again" +
        (p.Options is { } o ? $" with {o}" : "") + (p.Persist == true ? ", back in /etc/fstab" : "") + "?";

    private async Task MountAsync()
    {
        if (_plan is not { } plan) return;
        _busy = true;
        _error = null;
        try
        {
            var outcome = await Tasks.SubmitAsync(new SubmitTask(StorageMount.Contract.Kind, Unmount.Target, StorageMount.Contract.Write(plan)));
            if (!outcome.Ok)
            {
                _error = outcome.Error!.Message;
                return;
            }
            _started = outcome.Value!.Id;
            if (OnStarted.HasDelegate) await OnStarted.InvokeAsync(outcome.Value.Id);
            else Workspace.Show(outcome.Value.Id);
        }
        finally
        {
            _busy = false;
        }
    }
}
