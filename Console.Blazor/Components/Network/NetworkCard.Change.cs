using System.Globalization;
using System.Text.RegularExpressions;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// The card's side of net.configure: the change form, and while a change waits on probation the question "Keep this
/// configuration? 54 s left" with Keep (the station confirms) and Roll back now (the task is cancelled and the agent
/// restores the network); then how it ended.
/// </summary>
public sealed partial class NetworkCard
{
    private TaskView? _changing;
    private string? _changeOutcome;
    private bool _changeFailed;
    private string? _confirmError;

    private bool MayConfigure => Tasks.MayRun(TaskKinds.NetConfigure, Unit) && Tasks.CannotRun(TaskKinds.NetConfigure, Unit) is null;

    private IReadOnlyList<string> InterfaceNames => _network?.Interfaces.Select(i => i.Name).ToList() ?? [];

    /// <summary>The seconds left on the agent's timer, from the task's stage ("waiting for confirmation (54 s left)"); null when it does not wait.</summary>
    private int? SecondsLeft => _changing is { State: TaskStateNames.Running, Stage: { } stage } && stage.StartsWith(NetConfigure.WaitingStage, StringComparison.Ordinal)
        && LeftRegex().Match(stage) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"\((\d+) s left\)")]
    private static partial Regex LeftRegex();

    private void ShowChange(TaskView task)
    {
        if (_changing is { } known && known.Id != task.Id && task.CreatedAt < known.CreatedAt) return;
        _changing = task;
        if (task.CanCancel) { _changeOutcome = null; return; }
        _confirmError = null;
        _changeFailed = task.State != TaskStateNames.Succeeded;
        _changeOutcome = task.State == TaskStateNames.Succeeded && task.Result is { } result && Kept(result) is { } kept
            ? $"Kept: {string.Join("; ", kept.Diff)} — {kept.Confirmation}. {kept.Persistence}."
            : task.State == TaskStateNames.Cancelled ? "Rolled back: the change was cancelled and the unit restored its previous network."
            : task.Error ?? $"the change ended {task.State}";
    }

    private static NetConfigureResult? Kept(System.Text.Json.JsonElement result)
    {
        try { return NetConfigure.Contract.ReadResult(result); }
        catch (KindContractException) { return null; }
    }

    private void ChangeStarted(TaskView task)
    {
        _changing = null;
        ShowChange(task);
    }

    private async Task KeepAsync()
    {
        if (_changing is not { } task) return;
        var kept = await Tasks.ConfirmAsync(task.Id);
        _confirmError = kept.Ok ? null : kept.Error!.Message;
    }

    private async Task RollBackNowAsync()
    {
        if (_changing is not { } task) return;
        var cancelled = await Tasks.CancelAsync(task.Id);
        if (cancelled.Ok) ShowChange(cancelled.Value!);
        else _confirmError = cancelled.Error!.Message;
    }
}
