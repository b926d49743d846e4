using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Task kinds that move data between units. <c>data.move</c> targets the DESTINATION unit: its executor
/// runs there and pulls from the source unit's data plane.
/// </summary>
public static class DataKinds
{
    public const int MoveStages = 3;

    private static readonly IReadOnlyList<ParameterSpec> Location =
    [
        new ParameterSpec("unit", ParameterType.String, true, "unit id", Example: "a"),
        new ParameterSpec("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.bin", IsPath: true),
    ];

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return new TaskKindDefinition(TaskKinds.DataMove, "Copy or move a file or tree between units", "Task.data.move", MoveStages, true,
            [
                new ParameterSpec("source", ParameterType.Object, true, "where to read: {unit, path}", Example: """{"unit":"a","path":"/srv/data/file.bin"}""", Items: Location),
                new ParameterSpec("destination", ParameterType.Object, true, "where to write: {unit, path}; the task's target is this unit", Example: """{"unit":"b","path":"/srv/data/file.bin"}""", Items: Location),
                new ParameterSpec("mode", ParameterType.String, false, "copy keeps the source; move deletes it once the destination is verified", Example: "copy", Allowed: ["copy", "move"]),
                new ParameterSpec("overwrite", ParameterType.Boolean, false, "replace an existing destination (default false)"),
                new ParameterSpec("verify", ParameterType.Boolean, false, "compare SHA-256 of source and destination (default true)"),
                new ParameterSpec("bandwidthMiBps", ParameterType.Number, false, "cap on throughput, in MiB/s", 1, 1_000_000, "100"),
            ],
            LockPlan)
        {
            CheckTarget = CheckMove,
        };
    }

    public static (string Unit, string Path) Source(JsonElement p) => Place(p, "source");
    public static (string Unit, string Path) Destination(JsonElement p) => Place(p, "destination");
    public static bool IsMove(JsonElement p) => p.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String && m.GetString() == "move";

    /// <summary>
    /// The source is read-shared until it is read and hashed (stage 1), or held exclusive to the end for a move,
    /// which deletes it; the destination is exclusive until the rename (stage 2).
    /// </summary>
    private static IReadOnlyList<LockRequest> LockPlan(string unit, JsonElement p)
    {
        var (srcUnit, srcPath) = Source(p);
        var (_, dstPath) = Destination(p);
        return
        [
            IsMove(p)
                ? new LockRequest(ResourcePath.File(srcUnit, srcPath), LockMode.Exclusive)
                : new LockRequest(ResourcePath.File(srcUnit, srcPath), LockMode.Shared, 1),
            new LockRequest(ResourcePath.File(unit, dstPath), LockMode.Exclusive, 2),
        ];
    }

    private static string? CheckMove(string target, JsonElement p)
    {
        var (srcUnit, srcPath) = Source(p);
        var (dstUnit, dstPath) = Destination(p);
        if (dstUnit != target)
            return $"data.move runs on its destination unit: the target must be '{dstUnit}' (destination.unit), not '{target}'";
        if (!srcPath.StartsWith('/')) return $"source.path '{srcPath}' must be absolute";
        if (!dstPath.StartsWith('/')) return $"destination.path '{dstPath}' must be absolute";
        if (srcUnit != dstUnit) return null;
        string src = ResourcePath.Normalize(srcPath), dst = ResourcePath.Normalize(dstPath);
        if (src == dst) return $"source and destination are the same ({srcUnit}:{src}); nothing to do";
        if (dst.StartsWith(src + "/", StringComparison.Ordinal)) return $"the destination {dst} lies inside the source {src}";
        if (src.StartsWith(dst + "/", StringComparison.Ordinal)) return $"the source {src} lies inside the destination {dst}";
        return null;
    }

    private static (string, string) Place(JsonElement p, string name)
    {
        var o = p.GetProperty(name);
        return (o.GetProperty("unit").GetString()!, o.GetProperty("path").GetString()!);
    }
}
