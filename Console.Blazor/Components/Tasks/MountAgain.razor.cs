using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// "Mount again" under a succeeded unmount (<see cref="Services.Undo.MountAgain"/>): one click starts the storage.mount
/// task and opens its pane in the workspace. Offered only to someone who may mount on the unit.
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
            Workspace.Show(outcome.Value.Id);
        }
        finally
        {
            _busy = false;
        }
    }
}
