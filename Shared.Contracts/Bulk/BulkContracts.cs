using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccdsvm.Shared.Contracts.Bulk;

/// <summary>
/// Which units a bulk task runs on: the same filters as the units list (<c>GET /api/v1/units</c>), combined with AND.
/// <see cref="Name"/> is a pattern over the unit's name (or id when it has none) where <c>*</c> stands for any run of
/// characters and <c>?</c> for one, case-insensitive; <see cref="Search"/> is the list's free-text search.
/// </summary>
public sealed record BulkSelector(string? Tag = null, string? Status = null, string? Parent = null, string? Os = null, string? Name = null,
    string? Search = null, string? Kind = null);

/// <summary>
/// How a bulk task rolls out over its units. <see cref="Parallelism"/>: how many children at most are in the task list at
/// once, a count (<c>5</c>) or a share of the units (<c>"10%"</c>, at least 1); 1 when absent. <see cref="BatchWaitSeconds"/>:
/// a place freed by a child that ended is filled again only that long after its end. <see cref="Order"/>: <c>name</c>,
/// <c>tag</c> or <c>random</c> (<see cref="BulkOrders"/>). The failure budget: the rollout stops starting children once
/// <see cref="MaxFailures"/> children failed, or <see cref="MaxFailurePercent"/> % of the units (rounded up, at least 1),
/// whichever comes first. Without a budget, <see cref="KeepGoing"/> false (the default) means a budget of 1 failure and
/// true means no budget.
/// </summary>
public sealed record BulkRollout(BulkParallelism? Parallelism = null, double? BatchWaitSeconds = null, string? Order = null, bool? KeepGoing = null,
    int? MaxFailures = null, double? MaxFailurePercent = null);

/// <summary>The orders a rollout can go in.</summary>
public static class BulkOrders
{
    public const string Name = "name", Tag = "tag", Random = "random";
    public static readonly IReadOnlyList<string> All = [Name, Tag, Random];
}

/// <summary>
/// A parallelism as JSON has it: a number of children, or a string such as <c>"10%"</c> (a share of the units) or
/// <c>"5"</c>. What cannot be read is kept in <see cref="Unreadable"/> so the refusal can name it.
/// </summary>
[JsonConverter(typeof(BulkParallelismJsonConverter))]
public sealed record BulkParallelism(int? Count, double? Percent, string? Unreadable = null)
{
    public static BulkParallelism Of(int count) => new(count, null);
    public static BulkParallelism OfPercent(double percent) => new(null, percent);

    /// <summary>Reads <c>"5"</c> or <c>"10%"</c> as typed in a form or on a command line; what cannot be read is kept for the refusal.</summary>
    public static BulkParallelism Parse(string text)
    {
        text = (text ?? "").Trim();
        if (text.EndsWith('%') && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return OfPercent(p);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c)) return Of(c);
        return new BulkParallelism(null, null, $"\"{(text.Length > 20 ? text[..20] + "…" : text)}\"");
    }

    /// <summary>What is wrong with it (naming the field), or null.</summary>
    public string? Problem()
    {
        if (Unreadable is not null) return $"'rollout.parallelism' must be a number of units (e.g. 5) or a percent such as \"10%\"; got {Unreadable}";
        if (Count is { } n && n < 1) return $"'rollout.parallelism' must be at least 1; got {n}";
        if (Percent is { } p && (double.IsNaN(p) || p <= 0 || p > 100)) return $"'rollout.parallelism' as a percent must be more than 0% and at most 100%; got {p.ToString(CultureInfo.InvariantCulture)}%";
        return null;
    }

    /// <summary>How many children at once for <paramref name="units"/> units: a percent is rounded up, at least 1.</summary>
    public int For(int units) => Count ?? Math.Max(1, (int)Math.Ceiling(units * (Percent ?? 100) / 100.0));

    public override string ToString() => Count is { } n ? n.ToString(CultureInfo.InvariantCulture) : Percent is { } p ? p.ToString(CultureInfo.InvariantCulture) + "%" : Unreadable ?? "";
}

/// <summary>Reads a <see cref="BulkParallelism"/> from a number or a string; never throws, so the refusal can name the field.</summary>
public sealed class BulkParallelismJsonConverter : JsonConverter<BulkParallelism>
{
    public override BulkParallelism Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt32(out var n) ? BulkParallelism.Of(n) : new BulkParallelism(null, null, reader.GetDouble().ToString(CultureInfo.InvariantCulture));
            case JsonTokenType.String:
                return BulkParallelism.Parse(reader.GetString() ?? "");
            default:
                var kind = reader.TokenType;
                reader.Skip();
                return new BulkParallelism(null, null, kind.ToString().ToLowerInvariant());
        }
    }

    public override void Write(Utf8JsonWriter writer, BulkParallelism value, JsonSerializerOptions options)
    {
        if (value.Count is { } n) writer.WriteNumberValue(n);
        else writer.WriteStringValue(value.ToString());
    }
}

/// <summary>
/// A bulk parent's roll-up, the parent task's <c>result</c>: how many children there are and how many are in each state.
/// <c>pending</c> were not admitted yet; <c>active</c> are in the task list; <c>skipped</c> were never started because the
/// rollout stopped (failure budget spent, or cancelled). <see cref="Budget"/> is the failure budget (null: none).
/// </summary>
public sealed record BulkSummary(string Kind, int Total, int Pending, int Active, int Succeeded, int Failed, int Cancelled, int Interrupted, int Skipped,
    int Parallelism, int? Budget, string? Stopped)
{
    public int Ended => Succeeded + Failed + Cancelled + Interrupted + Skipped;
    public int Failures => Failed + Interrupted;
}

/// <summary>One child of a bulk task as <c>GET /api/v1/tasks/{id}/children</c> lists it; <see cref="TaskId"/> is null until admitted.</summary>
public sealed record BulkChildView(int Position, string Unit, long? TaskId, string State, double Progress, string? Error,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>A page of a bulk task's children, with the total that match the filter and the parent's roll-up.</summary>
public sealed record BulkChildPage(IReadOnlyList<BulkChildView> Items, int Total, BulkSummary Summary);

/// <summary>The kind a bulk parent task goes by, and the states its children can be in besides the task states.</summary>
public static class BulkTasks
{
    /// <summary>The parent's kind in the task list; it takes no slot and holds no lock.</summary>
    public const string ParentKind = "bulk";

    /// <summary>The parent's target in the task list: it runs on no unit of its own.</summary>
    public const string ParentTarget = "bulk";

    /// <summary>A child not admitted yet.</summary>
    public const string Pending = "pending";

    /// <summary>The children filter for those in the task list now, whatever their task's state.</summary>
    public const string Active = "active";

    /// <summary>A child never started because the rollout stopped.</summary>
    public const string Skipped = "skipped";

    /// <summary>The idempotency key a child is admitted with: admitting it again finds the same task.</summary>
    public static string ChildKey(long parentId, string unit) => $"{ChildKeyPrefix}{parentId}-{unit}";

    /// <summary>How every child's idempotency key starts (<see cref="ChildKey"/>).</summary>
    public const string ChildKeyPrefix = "bulk-";
}
