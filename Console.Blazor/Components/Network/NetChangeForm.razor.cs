using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// The Network card's form for one interface change (addresses as CIDR, MTU, up/down, a VLAN on it): each field is checked
/// as it is typed, Apply sends a net.configure task, and the station's refusal is shown as it says it.
/// </summary>
public sealed partial class NetChangeForm : ComponentBase
{
    private NetChangeDraft _draft = new();
    private string? _refusal;
    private bool _sending;

    [Parameter, EditorRequired] public string Unit { get; set; } = "";

    [Parameter, EditorRequired] public IReadOnlyList<string> Interfaces { get; set; } = [];

    /// <summary>Raised with the task once the station admitted it.</summary>
    [Parameter] public EventCallback<TaskView> Started { get; set; }

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    private string? Problem => _draft.Problem;

    private List<(string Id, string Problem)> FieldProblems =>
        [.. new[] { ("net-change-addresses-error", _draft.AddressProblem), ("net-change-mtu-error", _draft.MtuProblem),
                    ("net-change-vlan-error", _draft.VlanProblem), ("net-change-rollback-error", _draft.RollbackProblem) }
            .Where(f => f.Item2 is not null).Select(f => (f.Item1, f.Item2!))];

    private void Set(NetChangeDraft draft)
    {
        _draft = draft;
        _refusal = null;
    }

    private static string Text(ChangeEventArgs e) => e.Value?.ToString() ?? "";

    private async Task ApplyAsync()
    {
        if (Problem is not null) return;
        _sending = true;
        try
        {
            var started = await Tasks.SubmitAsync(new SubmitTask(TaskKinds.NetConfigure, Unit, _draft.ToJson()));
            if (!started.Ok) { _refusal = started.Error!.Message; return; }
            _draft = new NetChangeDraft();
            await Started.InvokeAsync(started.Value!);
        }
        finally
        {
            _sending = false;
        }
    }
}
