using System.Globalization;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Bulk;
using Ccdsvm.Station.Core;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>What the "run on many units" part of a task form chose: the units and the rollout, how many match, and what is wrong.</summary>
public sealed record ManyUnitsChoice(BulkSelector Selector, BulkRollout Rollout, int Matching, string? Problem);

/// <summary>
/// The "run on many units" path of every run-task form: filters over the units list (tag, name pattern, status), how many
/// at once, a failure limit and keep-going; a live preview of the units that match (counted by the station, with those
/// that would refuse the task at once), so nobody starts a task on a thousand units by surprise.
/// </summary>
public sealed partial class ManyUnitsField : ComponentBase
{
    private bool _on;
    private string? _tag, _name, _status = UnitStatuses.Online, _parallelism = "5", _maxFailures;
    private bool _keepGoing;
    private Outcome<BulkPreview>? _preview;
    private string? _previewedKind;

    [Inject] private IConsoleBulk Bulk { get; set; } = default!;

    /// <summary>The kind the form would start; the preview counts who may and can run it.</summary>
    [Parameter, EditorRequired] public string Kind { get; set; } = "";

    /// <summary>The choice when on, null when the task runs on the form's one unit.</summary>
    [Parameter] public EventCallback<ManyUnitsChoice?> ValueChanged { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_on && Kind != _previewedKind) await PublishAsync();
    }

    private async Task Toggle(bool on)
    {
        _on = on;
        if (on) await PublishAsync();
        else await ValueChanged.InvokeAsync(null);
    }

    private async Task Change(Action set)
    {
        set();
        await PublishAsync();
    }

    private async Task PublishAsync()
    {
        var selector = new BulkSelector(Tag: NullIfEmpty(_tag), Status: _status, Name: NullIfEmpty(_name));
        _previewedKind = Kind;
        _preview = string.IsNullOrEmpty(Kind) ? default(Outcome<BulkPreview>?) : Bulk.Preview(new BulkPreviewRequest(Kind, selector));
        string? problem = ParallelismProblem ?? MaxFailuresProblem ?? (_preview is { Ok: false } p ? p.Error!.Message : null);
        int matching = _preview?.Value?.Total ?? 0;
        if (problem is null && matching == 0) problem = "no unit matches";
        await ValueChanged.InvokeAsync(new ManyUnitsChoice(selector, Rollout(), matching, problem));
    }

    private BulkRollout Rollout() => new(
        Parallelism: Parallelism(),
        KeepGoing: _keepGoing,
        MaxFailures: int.TryParse(_maxFailures, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null);

    private BulkParallelism? Parallelism()
    {
        return string.IsNullOrWhiteSpace(_parallelism) ? null : BulkParallelism.Parse(_parallelism);
    }

    private string? ParallelismProblem => Parallelism()?.Problem() is { } p ? p.Replace("'rollout.parallelism'", "'at once'", StringComparison.Ordinal) : null;

    private string? MaxFailuresProblem =>
        string.IsNullOrWhiteSpace(_maxFailures) ? null
        : int.TryParse(_maxFailures, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 ? null
        : "'stop after failures' must be a whole number of at least 1";

    private static string RefusedText(BulkPreview p)
    {
        var parts = new List<string>();
        if (p.MayNotRun > 0) parts.Add($"{p.MayNotRun} you may not run this on");
        if (p.CannotRun > 0) parts.Add($"{p.CannotRun} cannot run it (missing tools or kind)");
        return $"Of these, {string.Join(" and ", parts)}: their tasks would fail at once and count against the failure limit.";
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
