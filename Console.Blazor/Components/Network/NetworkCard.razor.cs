using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// A unit's network on its page: the interfaces, addresses, routes and DNS servers of the last net.inventory that
/// succeeded there, and a button that reads them again (a task like any other, with its progress shown live).
/// </summary>
public sealed partial class NetworkCard : ComponentBase, IDisposable
{
    private NetInventoryResult? _network;
    private DateTimeOffset? _readAt;
    private TaskView? _reading;
    private string? _error;
    private LiveTaskUpdates? _subscription;

    [Parameter, EditorRequired] public string Unit { get; set; } = "";

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;

    private bool MayRead => Tasks.MayRun(TaskKinds.NetInventory, Unit);

    /// <summary>Why the unit cannot read its network (e.g. no <c>ip</c> there); null when it can.</summary>
    private string? Unable => Tasks.CannotRun(TaskKinds.NetInventory, Unit);

    protected override void OnParametersSet()
    {
        // Coalesced (LiveTaskUpdates): the agent's report never renders this card on its own thread.
        _subscription ??= new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            foreach (var u in updates) Show(u.Task, render: false);
            StateHasChanged();
        }, t => t.Kind is TaskKinds.NetInventory or TaskKinds.NetConfigure && t.Target == Unit);
        var last = Tasks.List(new TaskQuery(State: TaskStateNames.Succeeded, Target: Unit, Limit: 1, Kind: TaskKinds.NetInventory));
        if (last.Count > 0) Show(last[0], render: false);
        var changing = Tasks.List(new TaskQuery(State: TaskStateNames.Running, Target: Unit, Limit: 1, Kind: TaskKinds.NetConfigure));
        if (changing.Count > 0) ShowChange(changing[0]);
        WatchStaged();
        LoadStaged();
    }

    private void Show(TaskView task, bool render = true)
    {
        if (task.Kind == TaskKinds.NetConfigure)
        {
            ShowChange(task);
            if (render) StateHasChanged();
            return;
        }
        if (task.CanCancel)
        {
            _reading = task;
        }
        else
        {
            if (_reading?.Id == task.Id) _reading = null;
            if (task.State == TaskStateNames.Succeeded && task.Result is JsonElement result && (_readAt is null || task.EndedAt >= _readAt))
            {
                try
                {
                    _network = NetInventory.Contract.ReadResult(result);
                    _readAt = task.EndedAt;
                    _error = null;
                }
                catch (KindContractException ex)
                {
                    _error = $"the unit's answer does not fit net.inventory: {ex.Message}";
                }
            }
            else if (task.State != TaskStateNames.Succeeded && task.Error is { } error)
            {
                _error = $"reading the network failed: {error}";
            }
        }
        if (render) StateHasChanged();
    }

    private async Task ReadAsync()
    {
        var started = await Tasks.SubmitAsync(new SubmitTask(TaskKinds.NetInventory, Unit, JsonDocument.Parse("{}").RootElement));
        if (started.Ok) Show(started.Value!, render: false);
        else _error = started.Error!.Message;
    }

    private static string Addresses(NetInterface i) =>
        i.Addresses.Count == 0 ? "—" : string.Join(", ", i.Addresses.Select(a => $"{a.Address}/{a.Prefix}"));

    private static string KindOf(NetInterface i) =>
        (i.Kind, i.VlanId, i.Master) switch
        {
            ("vlan", { } vlan, _) => $"VLAN {vlan} on {i.Parent}",
            (null, _, null) => i.Name == "lo" ? "loopback" : "physical",
            ({ } kind, _, { } master) => $"{kind}, port of {master}",
            (null, _, { } master) => $"port of {master}",
            ({ } kind, _, null) => kind,
        };

    private static MudBlazor.Color StateColor(string state) => state switch
    {
        "up" => MudBlazor.Color.Success,
        "down" or "lowerlayerdown" => MudBlazor.Color.Error,
        _ => MudBlazor.Color.Default,
    };

    public void Dispose()
    {
        _subscription?.Dispose();
        _stagedWatch?.Dispose();
    }
}
