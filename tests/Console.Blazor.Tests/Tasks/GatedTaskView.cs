using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// A task subscriber whose work on the renderer waits for a test's gate: a circuit that is slow, blocked or not
/// reading. It subscribes as the console's components do (<see cref="LiveTaskUpdates"/>) and shows the last state and
/// progress it applied.
/// </summary>
public sealed class GatedTaskView : ComponentBase, IDisposable
{
    private TaskView? _last;
    private LiveTaskUpdates? _subscription;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    [Parameter, EditorRequired] public ManualResetEventSlim Gate { get; set; } = default!;

    /// <summary>Set once a batch waits at the gate on the renderer.</summary>
    [Parameter, EditorRequired] public TaskCompletionSource Entered { get; set; } = default!;

    protected override void OnInitialized() =>
        _subscription = new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            Entered.TrySetResult();
            // Bounded: a test that forgot to open the gate fails on its own assertions, not by hanging.
            Gate.Wait(TimeSpan.FromSeconds(10));
            _last = updates[^1].Task;
            StateHasChanged();
        });

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "data-testid", "gated-state");
        builder.AddContent(2, _last is null ? "" : $"{_last.State} {_last.Progress * 100:0}%");
        builder.CloseElement();
    }

    public void Dispose() => _subscription?.Dispose();
}
