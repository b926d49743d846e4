using System.Text.Json.Serialization;
using Ccdsvm.Shared.Contracts.Paths;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>data.move {source, destination, mode?, overwrite?, verify?, bandwidthMiBps?}</c>: copies or moves a file or a
/// tree from one unit to another. It targets the destination unit, whose agent pulls from the source's data
/// plane; the station adds <c>transfer</c> (ticket, source address, route) to the order at dispatch.
/// </summary>
public sealed class DataMove : KindContract<DataMoveParameters, DataMoveResult>
{
    /// <summary>The fields of source and destination; declared before <see cref="Contract"/>, whose parameters use them.</summary>
    private static readonly IReadOnlyList<ParameterSpec> Location =
    [
        new("unit", ParameterType.String, true, "unit id", Example: "a"),
        CommonParameters.Path,
    ];

    public static readonly DataMove Contract = new();

    /// <summary>The field the station adds at dispatch; a user may not send it.</summary>
    public const string TransferField = "transfer";

    public override string Kind => TaskKinds.DataMove;
    public override string Title => "Copy or move a file or tree between units";
    public override string Group => KindGroups.Data;
    public override string Action => "Move data";

    /// <summary>1: the source is read and hashed; 2: the copy is verified and renamed into place; 3: a move deletes the source.</summary>
    public override IReadOnlyList<string> Stages { get; } = ["copying from the source", "verifying and renaming", "deleting the source of a move"];

    public override bool Destructive => true;

    public override IReadOnlyList<PathParameter> UnitPaths { get; } = [new("destination.path", true)];
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("source", ParameterType.Object, true, "where to read: {unit, path}", Example: """{"unit":"a","path":"/srv/data/file.bin"}""", Items: Location),
        new("destination", ParameterType.Object, true, "where to write: {unit, path}; the task's target is this unit", Example: """{"unit":"b","path":"/srv/data/file.bin"}""", Items: Location),
        new("mode", ParameterType.String, false, "copy keeps the source; move deletes it once the destination is verified", Example: "copy", Allowed: ["copy", "move"]),
        new("overwrite", ParameterType.Boolean, false, "replace an existing destination (default false)"),
        new("verify", ParameterType.Boolean, false, "compare SHA-256 of source and destination (default true)", Default: "true"),
        new("bandwidthMiBps", ParameterType.Number, false, "cap on throughput, in MiB/s", 1, 1_000_000, "100"),
    ];

    protected override string? Subject(DataMoveParameters p, System.Text.Json.JsonElement json) => $"{p.Source.Unit}:{p.Source.Path} → {p.Destination.Unit}:{p.Destination.Path}";

    protected override IReadOnlyCollection<string> StationFields { get; } = [TransferField];

    protected override string? Rules(DataMoveParameters p) => Overlap(p);

    /// <summary>
    /// On one unit, source and destination must differ and neither may lie inside the other (compared in canonical
    /// form); null when they do not overlap. Forms show it under the destination as the person types.
    /// </summary>
    public static string? Overlap(DataMoveParameters p)
    {
        if (p.Source.Unit != p.Destination.Unit) return null;
        string src = UnitPath.Canonical(p.Source.Path, "source.path"), dst = UnitPath.Canonical(p.Destination.Path, "destination.path");
        if (src == dst) return $"source and destination are the same ({p.Source.Unit}:{src}); nothing to do";
        if (UnitPath.IsAtOrBelow(dst, src)) return $"the destination {dst} lies inside the source {src}";
        if (UnitPath.IsAtOrBelow(src, dst)) return $"the source {src} lies inside the destination {dst}";
        return null;
    }

    /// <summary>The warning shown before a user confirms, worded as it was before kinds had contracts.</summary>
    protected override string DangerText(string subject) => $"{Kind}: cannot be undone";

    /// <summary>A move deletes its source and an overwrite replaces the destination; a plain copy destroys nothing.</summary>
    public override string? DangerOf(Func<string, string?> value) =>
        value("mode")?.Trim() == "move" ? "Move: deletes the source once its copy at the destination is verified; cannot be undone"
        : value("overwrite")?.Trim() == "true" ? "Copy over an existing destination: replaces what is there; cannot be undone"
        : null;

    /// <summary>The check that needs the task's target: data.move runs on its destination unit. Null when it does.</summary>
    /// <summary>The spec of the path inside source and destination, for forms that check a path as it is typed.</summary>
    public static ParameterSpec PathSpec => Location[1];

    public static string? CheckTarget(string target, DataMoveParameters p) => p.Destination.Unit == target ? null
        : $"data.move runs on its destination unit: the target must be '{p.Destination.Unit}' (destination.unit), not '{target}'";
}

/// <summary>A place on a unit: <c>{unit, path}</c>; written <c>unit:path</c>.</summary>
[MessagePackObject(true)]
public sealed record DataLocation(string Unit, string Path)
{
    public override string ToString() => $"{Unit}:{Path}";
}

/// <summary>copy keeps the source; move deletes it once the destination is verified.</summary>
public enum DataMoveMode { Copy, Move }

/// <summary>How the destination reaches the source: directly, through the station, or directly with the station as fallback.</summary>
public enum TransferRoute { Auto, Direct, Relay }

/// <summary>
/// What the station adds to a data.move order at dispatch: the signed ticket, the source's data-plane address and the route.
/// No <see cref="SourceUrl"/>: the source is reached through another station; unless the route is relay, the destination
/// first asks the relay for a <see cref="DirectSource"/> (<see cref="DataPlaneRoutes.Direct"/>) and pulls directly with it,
/// falling back to the relay when it cannot reach the source.
/// </summary>
[MessagePackObject(true)]
public sealed record DataMoveTransfer(string Ticket, string? SourceUrl = null, TransferRoute Route = TransferRoute.Auto);

[MessagePackObject(true)]
public sealed record DataMoveParameters(
    DataLocation Source,
    DataLocation Destination,
    DataMoveMode? Mode = null,
    bool? Overwrite = null,
    bool? Verify = null,
    double? BandwidthMiBps = null,
    DataMoveTransfer? Transfer = null)
{
    /// <summary>Mode move: the source is deleted once the destination is verified.</summary>
    [JsonIgnore, IgnoreMember]
    public bool IsMove => Mode == DataMoveMode.Move;

    /// <summary>Verification is on unless turned off.</summary>
    [JsonIgnore, IgnoreMember]
    public bool Verifies => Verify ?? true;

    [JsonIgnore, IgnoreMember]
    public bool Overwrites => Overwrite ?? false;
}

/// <summary>
/// What a data.move did: <c>type</c> is file or directory, <c>sha256</c> the file's (null for a tree),
/// <c>resumedAtBytes</c> where an interrupted file went on, <c>route</c> direct or relay.
/// </summary>
[MessagePackObject(true)]
public sealed record DataMoveResult(
    string Source,
    string Destination,
    DataMoveMode Mode,
    string Type,
    long Bytes,
    int Files,
    string? Sha256,
    bool Verified,
    long ResumedAtBytes,
    TransferRoute Route,
    double Seconds,
    double MibPerSecond);
