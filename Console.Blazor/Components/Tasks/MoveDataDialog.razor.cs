using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// Starts a <c>data.move</c>: source and destination unit and path, copy or move, overwrite and verify.
/// Fields validate as you type; the task runs on the destination unit and its pane opens on success; a
/// refusal from the station is shown in place with the typed values kept.
/// </summary>
public sealed partial class MoveDataDialog : ComponentBase
{
    private const string Source = "source", Destination = "destination";
    private static readonly string[] Sides = [Source, Destination];

    private readonly Dictionary<string, string?> _unit = [];
    private readonly Dictionary<string, string?> _path = [];
    private readonly HashSet<string> _touched = [];
    private string _mode = "copy";
    private bool _overwrite;
    private bool _verify = true;
    private string? _serverError;
    private bool _submitting;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private PaneWorkspace Workspace { get; set; } = default!;

    /// <summary>Called with the new task's id once the station accepted it (its pane is already open).</summary>
    [Parameter] public EventCallback<long> OnSubmitted { get; set; }
    [Parameter] public EventCallback OnClose { get; set; }

    private string? Unit(string side) => _unit.GetValueOrDefault(side);
    private string? PathOf(string side) => _path.GetValueOrDefault(side);

    private void SetUnit(string side, string? value)
    {
        _unit[side] = string.IsNullOrEmpty(value) ? null : value;
        _touched.Add(side + "-unit");
        _serverError = null;
    }

    private void SetPath(string side, string? value)
    {
        _path[side] = value;
        _touched.Add(side + "-path");
        _serverError = null;
    }

    private void ModeChanged(ChangeEventArgs e)
    {
        _mode = e.Value?.ToString() == "move" ? "move" : "copy";
        _serverError = null;
    }

    private void OverwriteChanged(ChangeEventArgs e)
    {
        _overwrite = e.Value is true;
        _serverError = null;
    }

    private void VerifyChanged(ChangeEventArgs e)
    {
        _verify = e.Value is true;
        _serverError = null;
    }

    private string? UnitError(string side) => Unit(side) is null ? $"choose the {side} unit" : null;

    private string? PathError(string side) => CheckPath(side, PathOf(side)) ?? (side == Destination ? OverlapError() : null);

    /// <summary>The contract's rules for a data path (<see cref="DataMove.PathSpec"/>), as the station applies them.</summary>
    public static string? CheckPath(string side, string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return $"the {side} path is required";
        var spec = DataMove.PathSpec with { Name = $"{side}.path" };
        return ParameterRules.CheckValue(spec, JsonSerializer.SerializeToElement(path.Trim()));
    }

    /// <summary>On one unit, the contract's rule that source and destination neither match nor contain each other.</summary>
    private string? OverlapError() => Parameters() is { } p ? DataMove.Overlap(p) : null;

    /// <summary>The typed parameters once both sides name a unit and a well-formed path; null before.</summary>
    private DataMoveParameters? Parameters()
    {
        if (Unit(Source) is not { } sourceUnit || Unit(Destination) is not { } destinationUnit) return null;
        if (CheckPath(Source, PathOf(Source)) is not null || CheckPath(Destination, PathOf(Destination)) is not null) return null;
        return new DataMoveParameters(new DataLocation(sourceUnit, PathOf(Source)!.Trim()), new DataLocation(destinationUnit, PathOf(Destination)!.Trim()),
            _mode == "move" ? DataMoveMode.Move : DataMoveMode.Copy, _overwrite, _verify);
    }

    private bool IsValid => Sides.All(s => UnitError(s) is null && PathError(s) is null);

    private async Task SubmitAsync()
    {
        foreach (var s in Sides)
        {
            _touched.Add(s + "-unit");
            _touched.Add(s + "-path");
        }
        if (!IsValid) return;
        var parameters = DataMove.Contract.Write(Parameters()!);
        _submitting = true;
        try
        {
            var outcome = await Tasks.SubmitAsync(new SubmitTask(TaskKinds.DataMove, Unit(Destination), parameters, null));
            if (!outcome.Ok)
            {
                _serverError = outcome.Error!.Message;
                return;
            }
            Workspace.Show(outcome.Value!.Id);
            await OnSubmitted.InvokeAsync(outcome.Value.Id);
        }
        finally
        {
            _submitting = false;
        }
    }
}
