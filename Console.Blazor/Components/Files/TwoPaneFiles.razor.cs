using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Files;

/// <summary>
/// Two file panes side by side, each on any unit: an entry copies or moves to the other pane's directory —
/// <c>fs.copy</c>/<c>fs.rename</c> on one unit, <c>data.move</c> (verified, agent to agent) across units — and
/// the transfer runs as a task with its live pane below.
/// </summary>
public sealed partial class TwoPaneFiles : ComponentBase
{
    public enum Side { Left = 0, Right = 1 }

    /// <summary>How long the page waits for a transfer before it stops watching (the task goes on).</summary>
    public static readonly TimeSpan TransferWatch = TimeSpan.FromMinutes(30);

    private long? _transferTask;
    private string? _error;

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private IConsoleUnits UnitList { get; set; } = default!;

    /// <summary>Where a pane without a unit in the address opens: the first two online units by name (never the whole fleet).</summary>
    private IReadOnlyList<Station.Core.Units.UnitView> _defaults = [];
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary><c>unit:path</c> of each pane, e.g. <c>?left=station:/srv/a&amp;right=unit-a:/srv/b</c>.</summary>
    [SupplyParameterFromQuery(Name = "left")] public string? Left { get; set; }
    [SupplyParameterFromQuery(Name = "right")] public string? Right { get; set; }

    private FileManager?[] Panes { get; } = new FileManager?[2];

    protected override void OnParametersSet() =>
        _defaults = string.IsNullOrEmpty(Left) || string.IsNullOrEmpty(Right)
            ? UnitList.List(new Station.Core.Units.UnitQuery(Status: "online"), Station.Core.Units.UnitSorts.Name, 0, 2).Value?.Items ?? []
            : [];

    private (string Unit, string Path) Location(Side side)
    {
        var raw = side == Side.Left ? Left : Right;
        if (!string.IsNullOrEmpty(raw) && raw.IndexOf(':') is > 0 and var colon)
            return (raw[..colon], raw[(colon + 1)..]);
        if (_defaults.Count == 0) return ("", "/");
        var unit = _defaults[Math.Min((int)side, _defaults.Count - 1)];
        return (unit.Id, unit.HomeRoot);
    }

    private static Side Other(Side side) => side == Side.Left ? Side.Right : Side.Left;

    private string Describe(Side side) => $"{Location(side).Unit}:{Location(side).Path}";

    private string Href(Side side, string unit, string path)
    {
        var here = $"{unit}:{path}";
        var there = Describe(Other(side));
        var (left, right) = side == Side.Left ? (here, there) : (there, here);
        return $"/files?left={Uri.EscapeDataString(left)}&right={Uri.EscapeDataString(right)}";
    }

    private void ChooseUnit(Side side, string? unit)
    {
        var root = unit is null ? "/" : UnitList.Find(unit)?.HomeRoot ?? "/";
        Navigation.NavigateTo(Href(side, unit ?? "", root));
    }

    private async Task TransferAsync(Side from, FileManager.FileTransfer transfer)
    {
        _error = null;
        var (sourceUnit, _) = Location(from);
        var (destUnit, destDir) = Location(Other(from));
        var request = EntryTransfers.For(sourceUnit, new EntryRef(transfer.Entry.Path, transfer.Entry.IsDirectory), destUnit, destDir, transfer.Move);
        var submitted = await Tasks.SubmitAsync(request);
        if (!submitted.Ok)
        {
            _error = submitted.Error!.Message;
            return;
        }
        _transferTask = submitted.Value!.Id;
        StateHasChanged();
        var run = await Tasks.WaitAsync(submitted.Value.Id, TransferWatch);
        if (!run.Succeeded) _error = $"{request.Kind}: {run.Error}";
        foreach (var pane in Panes)
            if (pane is not null) await pane.ReloadAsync();
    }
}
