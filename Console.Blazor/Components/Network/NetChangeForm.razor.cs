using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// The Network card's form for one interface change (addresses as CIDR, MTU, up/down, a VLAN on it): each field is checked
/// as it is typed, Apply sends a net.configure task, and the station's refusal is shown as it says it. As it is typed the
/// form also shows the change's diff against the running state (<see cref="NetChangeDiff"/>) and warns, without
/// refusing, of an address another unit of the fleet already carries (<see cref="FleetAddresses"/>, read once when the
/// form opens); Stage keeps the change at the station to be applied later from the card.
/// </summary>
public sealed partial class NetChangeForm : ComponentBase
{
    private NetChangeDraft _draft = new();
    private string? _refusal;
    private bool _sending;

    [Parameter, EditorRequired] public string Unit { get; set; } = "";

    [Parameter, EditorRequired] public IReadOnlyList<string> Interfaces { get; set; } = [];

    /// <summary>The unit's network as last read: what the diff compares the change with.</summary>
    [Parameter] public NetInventoryResult? Running { get; set; }

    /// <summary>Raised once a change was staged at the station.</summary>
    [Parameter] public EventCallback<StagedNetChange> Staged { get; set; }

    [Inject] private IConsoleNetwork Network { get; set; } = default!;

    private FleetAddresses _fleet = FleetAddresses.Empty;

    /// <summary>Whether the change says enough to be shown as a diff (an interface and something to change).</summary>
    private bool Shown => _draft.Interface.Length > 0 && _draft.ChangesSomething;

    private IReadOnlyList<NetDiffLine> Diff => NetChangeDiff.Compute(Running, _draft.ToParameters());

    private IReadOnlyList<NetAddressDuplicate> Duplicates => _draft.Addresses.Length == 0 ? [] : _fleet.Duplicates(Unit, _draft.AddressList);

    protected override void OnInitialized() => _fleet = Network.ReadFleetAddresses();

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

    private async Task StageAsync()
    {
        if (Problem is not null) return;
        var staged = Network.Stage(Unit, _draft.ToParameters());
        if (!staged.Ok) { _refusal = staged.Error!.Message; return; }
        _draft = new NetChangeDraft();
        await Staged.InvokeAsync(staged.Value!);
    }

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
