namespace Ccdsvm.Shared.Contracts.Bulk;

/// <summary>
/// <c>POST /api/v1/tasks/preview</c>: which units a bulk task of <see cref="Kind"/> over <see cref="Targets"/> or
/// <see cref="Selector"/> would run on, before anything starts (what the "run on many units" path shows as you type).
/// </summary>
public sealed record BulkPreviewRequest(string? Kind, BulkSelector? Selector = null, IReadOnlyList<string>? Targets = null);

/// <summary>
/// The units a bulk task would run on, in name order: how many, the first <see cref="Sample"/> of them, and how many
/// would fail at once because the caller may not run the kind there (<see cref="MayNotRun"/>) or the unit's agent
/// cannot (<see cref="CannotRun"/>: the tool or the kind is missing there). Offline units are counted in
/// <see cref="Offline"/>: their children wait for them like any task.
/// </summary>
public sealed record BulkPreview(int Total, IReadOnlyList<BulkPreviewUnit> Sample, int MayNotRun, int CannotRun, int Offline)
{
    /// <summary>How many units a preview names at most.</summary>
    public const int SampleSize = 20;
}

/// <summary>One unit of a preview: why its child would fail at once, or null when it would run.</summary>
public sealed record BulkPreviewUnit(string Id, string Name, string Status, string? Refusal);
