using System.Globalization;
using System.Text.RegularExpressions;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Network;

/// <summary>
/// The card's side of net.configure: the change form, and while a change waits on probation the question "Keep this
/// configuration? 54 s left" with Keep (the station confirms) and Roll back now (the task is cancelled and the agent
/// restores the network); then how it ended. Below the form, the changes staged at the station for this unit, each
/// with its diff against the running state, applied with one click or discarded.
/// </summary>
public sealed partial class NetworkCard
{
    private TaskView? _changing;
    private string? _changeOutcome;
    private bool _changeFailed;
    private string? _confirmError;
    private IReadOnlyList<StagedNetChange> _staged = [];
    private string? _stagedError;
    private bool _applyingStaged;
    private IDisposable? _stagedWatch;
    private string? _watchedUnit;

    [Inject] private IConsoleNetwork Network { get; set; } = default!;

    /// <summary>Whether a change runs now (on probation or on its way): staged ones wait until it ended.</summary>
    private bool ChangeRuns => SecondsLeft is not null || _changing?.CanCancel == true;

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

    private void LoadStaged() => _staged = MayConfigure ? Network.Staged(Unit) : [];

    /// <summary>Follows the unit's staged changes: one staged, applied or discarded in another console shows here at once.</summary>
    private void WatchStaged()
    {
        if (_watchedUnit == Unit) return;
        _stagedWatch?.Dispose();
        _watchedUnit = Unit;
        _stagedWatch = Network.WatchStaged(Unit, () => _ = InvokeAsync(() =>
        {
            LoadStaged();
            StateHasChanged();
        }));
    }

    private void ChangeStaged(StagedNetChange staged)
    {
        _stagedError = null;
        LoadStaged();
    }

    private async Task ApplyStagedAsync(long id)
    {
        _applyingStaged = true;
        try
        {
            var started = await Network.ApplyStagedAsync(id);
            _stagedError = started.Ok ? null : started.Error!.Message;
            if (started.Ok) ChangeStarted(started.Value!);
        }
        finally
        {
            _applyingStaged = false;
        }
        LoadStaged();
    }

    private void DiscardStaged(long id)
    {
        var discarded = Network.DiscardStaged(id);
        _stagedError = discarded.Ok ? null : discarded.Error!.Message;
        LoadStaged();
    }

    /// <summary>A staged change in a few words: the interfaces it touches and who staged it when.</summary>
    private static string Describe(StagedNetChange staged) =>
        $"{string.Join(", ", staged.Parameters.Interfaces.Select(i => i.Name))} — staged by {staged.StagedBy} at {staged.StagedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}";

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
