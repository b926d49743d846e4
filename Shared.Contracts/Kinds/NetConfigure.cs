using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>net.configure {interfaces, dns?, rollbackSeconds?, confirm?, cutsOffUnit?}</c>: a desired state for one or more
/// interfaces (addresses, gateway and routes, MTU, up/down; a VLAN, bond or bridge to create; a created one to delete)
/// and the DNS servers. The agent snapshots the network, applies the change and arms its own rollback timer: the change
/// is kept only if the station confirms it in time (<c>POST /api/v1/tasks/{id}/confirm</c>, or at once with
/// <c>confirm: auto</c> when the station answers the agent after the change); otherwise the agent restores the snapshot.
/// </summary>
public sealed class NetConfigure : KindContract<NetConfigureParameters, NetConfigureResult>
{
    public static readonly NetConfigure Contract = new();

    public const int DefaultRollbackSeconds = 60;
    public const int MinRollbackSeconds = 10;
    public const int MaxRollbackSeconds = 600;
    public const string ConfirmManual = "manual";
    public const string ConfirmAuto = "auto";

    /// <summary>The stage that waits for the station's confirmation (1-based); its text starts with <see cref="WaitingStage"/>.</summary>
    public const int WaitingStageIndex = 3;
    public const string WaitingStage = "waiting for confirmation";

    public override string Kind => TaskKinds.NetConfigure;
    public override string Title => "Configure the network";
    public override string Group => KindGroups.Network;
    public override string Action => "Configure network";
    public override IReadOnlyList<string> Stages { get; } = ["checking the interfaces", "applying", WaitingStage];
    public override bool Destructive => false;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        new("interfaces", ParameterType.ObjectArray, true, "the interfaces to change, create or delete", 1, 32, Items: NetChangeSpecs.Change),
        new("dns", ParameterType.StringArray, false, "DNS servers (IP addresses), replacing the unit's", 0, 8, Example: "192.0.2.53"),
        new("rollbackSeconds", ParameterType.Number, false, "seconds the agent waits for a confirmation before it restores the network by itself",
            MinRollbackSeconds, MaxRollbackSeconds, "60", Whole: true, Default: "60"),
        new("confirm", ParameterType.String, false, "manual: a person confirms (Keep); auto: kept as soon as the station answers the agent after the change",
            Allowed: [ConfirmManual, ConfirmAuto], Default: ConfirmManual),
        new("cutsOffUnit", ParameterType.Boolean, false, "I know this removes the address the unit reaches the station with (the timer still protects)"),
    ];

    protected override string? Subject(NetConfigureParameters p, System.Text.Json.JsonElement json) => string.Join(", ", p.Interfaces.Select(i => i.Name));

    protected override string? Rules(NetConfigureParameters p) => NetChangeRules.Check(p);

    /// <summary>Every interface the change touches (changed, created, deleted, and the parents, links and ports it names), once each.</summary>
    public static IReadOnlyList<string> Touched(NetConfigureParameters p) =>
        [.. p.Interfaces.SelectMany(c => new[] { c.Name, c.Vlan?.Parent }.Concat(c.Bond?.Links ?? []).Concat(c.Bridge?.Ports ?? []))
            .OfType<string>().Distinct(StringComparer.Ordinal)];

    public static int RollbackOf(NetConfigureParameters p) => p.RollbackSeconds ?? DefaultRollbackSeconds;

    public static bool IsAuto(NetConfigureParameters p) => string.Equals(p.Confirm, ConfirmAuto, StringComparison.Ordinal);
}

/// <summary>
/// One interface's desired state. <see cref="Addresses"/> (CIDR, e.g. 10.0.0.2/24) replaces the interface's global
/// addresses when given ([] removes them all); left out, they stay. At most one of <see cref="Vlan"/>,
/// <see cref="Bond"/> and <see cref="Bridge"/> creates the interface; <see cref="Delete"/> removes one of those kinds.
/// </summary>
[MessagePackObject(true)]
public sealed record NetInterfaceChange(
    string Name,
    IReadOnlyList<string>? Addresses = null,
    string? Gateway = null,
    IReadOnlyList<NetRouteChange>? Routes = null,
    int? Mtu = null,
    string? State = null,
    NetVlanSpec? Vlan = null,
    NetBondSpec? Bond = null,
    NetBridgeSpec? Bridge = null,
    bool? Delete = null)
{
    /// <summary>Whether this entry creates its interface (a VLAN, bond or bridge); not a field of the JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    [IgnoreMember]
    public bool Creates => Vlan is not null || Bond is not null || Bridge is not null;
}

/// <summary>A route through the interface: destination a CIDR prefix or "default", optionally via a gateway.</summary>
[MessagePackObject(true)]
public sealed record NetRouteChange(string Destination, string? Gateway = null);

[MessagePackObject(true)]
public sealed record NetVlanSpec(string Parent, int Id);

[MessagePackObject(true)]
public sealed record NetBondSpec(string Mode, IReadOnlyList<string> Links);

[MessagePackObject(true)]
public sealed record NetBridgeSpec(IReadOnlyList<string>? Ports = null);

[MessagePackObject(true)]
public sealed record NetConfigureParameters(
    IReadOnlyList<NetInterfaceChange> Interfaces,
    IReadOnlyList<string>? Dns = null,
    int? RollbackSeconds = null,
    string? Confirm = null,
    bool? CutsOffUnit = null);

/// <summary>
/// A change that was kept (a change the agent rolled back ends the task as failed, its error starting "rolled back:").
/// <see cref="Diff"/>: what changed, one line each ("v0: mtu 1500 → 1400"); <see cref="Confirmation"/>: who or what
/// kept it and when; <see cref="Backend"/>: what keeps network configuration on the unit (<see cref="NetBackends"/>);
/// <see cref="Persisted"/>: whether the change was written so it survives a reboot; <see cref="Persistence"/>: the same
/// in plain words (where it was written, or "runtime only: … lost at reboot"); <see cref="Commands"/>: the commands the
/// agent ran; <see cref="Saved"/>: what was written where, one entry per interface (empty when nothing was).
/// </summary>
[MessagePackObject(true)]
public sealed record NetConfigureResult(
    IReadOnlyList<string> Diff,
    string Confirmation,
    string Backend,
    bool Persisted,
    string Persistence,
    IReadOnlyList<string> Commands,
    IReadOnlyList<NetSaved>? Saved = null);

/// <summary>
/// One interface's configuration as the agent made it outlive a reboot: <see cref="Where"/> is the file written (a
/// systemd-networkd <c>.network</c> or <c>.netdev</c> file) or the NetworkManager connection; <see cref="Settings"/>
/// what it holds ("Address=10.0.0.2/24", "MTUBytes=1400"; for NetworkManager "ipv4.addresses 10.0.0.2/24"); an
/// interface the change deleted has its files or connection removed, <see cref="Removed"/> true.
/// </summary>
[MessagePackObject(true)]
public sealed record NetSaved(string Interface, string Where, IReadOnlyList<string> Settings, bool Removed = false);

/// <summary>What keeps a unit's network configuration across a reboot, as the agent detects it and announces it.</summary>
public static class NetBackends
{
    /// <summary>NetworkManager runs (<c>nmcli -t -f RUNNING general</c> says it runs): changes go to its connections.</summary>
    public const string NetworkManager = "networkmanager";

    /// <summary>systemd-networkd runs (/run/systemd/netif/state exists and <c>networkctl</c> answers): changes go to .network files.</summary>
    public const string Networkd = "systemd-networkd";

    /// <summary>Neither runs: a change is runtime only and lost at reboot.</summary>
    public const string Runtime = "runtime";

    public static readonly IReadOnlyList<string> All = [NetworkManager, Networkd, Runtime];
}
