using MessagePack;
using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>maintenance.hold {resource, seconds, reason?}</c> → <c>{resource, seconds, reason}</c>: holds one resource
/// exclusively until the time is up or the task is cancelled.
/// </summary>
public sealed class MaintenanceHold : KindContract<MaintenanceHoldParameters, MaintenanceHoldResult>
{
    public static readonly MaintenanceHold Contract = new();

    public override string Kind => TaskKinds.MaintenanceHold;
    public override string Title => "Hold a resource for maintenance";
    public override string Group => KindGroups.Maintenance;
    public override string Action => "Hold for maintenance";
    public override IReadOnlyList<string> Stages { get; } = ["holding"];
    public override bool Destructive => false;
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new ParameterSpec("resource", ParameterType.String, true, "resource to hold exclusively: a path like /units/a/disks/sdb, or one relative to the unit such as disks/sdb", Example: "disks/sdb"),
        new ParameterSpec("seconds", ParameterType.Number, true, "how long to hold it", 1, 604800, "60"),
        new ParameterSpec("reason", ParameterType.String, false, "shown to whoever waits for it", Example: "replacing cable"),
    ];

    protected override string? Subject(MaintenanceHoldParameters p, System.Text.Json.JsonElement json) => p.Resource;

    /// <summary>The resource a hold names, below <paramref name="unit"/> when it is relative, not yet normalised.</summary>
    public static string Absolute(string unit, string resource) => resource.StartsWith('/') ? resource : $"{ResourcePath.Unit(unit)}/{resource}";

    protected override string? Rules(MaintenanceHoldParameters p) => ResourcePath.IsValid(Absolute("u", p.Resource)) ? null
        : "parameter 'resource' must name one resource without '.' or '..' segments, NUL or control characters, e.g. disks/sdb or /units/a/fs/srv/data";
}

[MessagePackObject(true)]
public sealed record MaintenanceHoldParameters(string Resource, double Seconds, string? Reason = null);

/// <summary>The resource as given, the seconds held and the reason ("maintenance" when none was given).</summary>
[MessagePackObject(true)]
public sealed record MaintenanceHoldResult(string Resource, double Seconds, string Reason);
