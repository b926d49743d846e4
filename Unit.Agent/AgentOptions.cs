namespace Ccdsvm.Unit.Agent;

/// <summary>The <c>Agent</c> configuration section, read alike by a standalone agent and the station's own.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Base address of the station, e.g. https://127.0.0.1:5080.</summary>
    public string StationUrl { get; set; } = "https://127.0.0.1:5080";

    /// <summary>
    /// The station certificate's SHA-256 fingerprint to pin (<c>--fingerprint</c>; several comma-separated), as the
    /// console's enrolment dialog shows it: the station's CA, or its server certificate. Kept with the enrolment, so it
    /// is needed on the first start only; giving it again replaces the pin (after the station's certificate was replaced).
    /// </summary>
    public string? StationFingerprint { get; set; }

    /// <summary>Unit name and id: lower-case letters, digits and dashes.</summary>
    public string Name { get; set; } = Environment.MachineName.ToLowerInvariant();

    /// <summary>
    /// A one-time enrolment token an administrator created (<c>--enrol</c>). Redeemed once for the unit's own
    /// credential and the station's public key, both kept in <see cref="StateDirectory"/>; ignored afterwards.
    /// </summary>
    public string? EnrolToken { get; set; }

    /// <summary>Where the unit keeps its credential and the pinned station key (mode 0600). Default: &lt;DataDirectory&gt;/state.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Task kinds this unit refuses whatever the station's ticket says, e.g. storage.mkfs.</summary>
    public List<string> DenyKinds { get; set; } = [];

    /// <summary>Directories this unit allows file work in. Default: ./data/units/&lt;name&gt;/files.</summary>
    public List<string> Roots { get; set; } = [];

    /// <summary>
    /// Services this unit offers to clients, each "name=/directory": a read-only HTTP download of a
    /// directory inside the roots, served only to requests carrying a station-signed grant for that service.
    /// </summary>
    public List<string> Services { get; set; } = [];

    /// <summary>The published services by name; entries that are not "name=/absolute/dir" are ignored.</summary>
    public IReadOnlyDictionary<string, string> PublishedServices => Services
        .Select(s => s.Split('=', 2))
        .Where(p => p.Length == 2 && p[0].Length is > 0 and <= 64 && p[0].All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && Path.IsPathRooted(p[1]))
        .GroupBy(p => p[0], StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => Path.GetFullPath(g.First()[1]), StringComparer.Ordinal);

    /// <summary>
    /// The unit-local account each station user's terminal (system.terminal) runs as, entries "user=account", and
    /// "*=account" for everyone else. Empty: no terminal for anybody. Root only where an entry names it.
    /// </summary>
    public List<string> TerminalAccounts { get; set; } = [];

    /// <summary>
    /// Where terminal sessions are recorded when the station's policy asks for it (the order's <c>record</c>): one file
    /// per task, TASK.log, created anew with mode 0600; made with mode 0700 if missing. A session that should be
    /// recorded but cannot be written here is refused.
    /// </summary>
    public string TerminalRecordDirectory { get; set; } = "/var/log/ccdsvm/terminal";

    /// <summary>Allow-list of device globs storage work may touch, e.g. /dev/loop*.</summary>
    public List<string> Devices { get; set; } = [];

    /// <summary>
    /// Mount options this unit allows although they are refused by default (suid, dev, user, users, owner, group,
    /// helper; see <see cref="Ccdsvm.Shared.Contracts.MountOptionRules"/>). Mounts get nosuid,nodev unless suid/dev are listed.
    /// </summary>
    public List<string> AllowMountOptions { get; set; } = [];

    /// <summary>A transfer session (the requests of one data.move after its ticket was claimed) ends when idle this long, in minutes.</summary>
    public int TransferSessionIdleMinutes { get; set; } = 5;

    /// <summary>Where mounts must lie.</summary>
    public string MountRoot { get; set; } = "/mnt/ccdsvm";

    /// <summary>Where the agent keeps its own state: the volume store and the loop-partition map. Default: ./data/units/&lt;name&gt;.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The fstab that <c>persist: true</c> mounts are written to.</summary>
    public string FstabPath { get; set; } = "/etc/fstab";

    /// <summary>
    /// What keeps a confirmed net.configure change across a reboot: empty (the default) detects it (NetworkManager when
    /// it runs, else systemd-networkd when it runs, else nothing: runtime only); "networkmanager", "systemd-networkd" or
    /// "runtime" forces one (<see cref="Ccdsvm.Shared.Contracts.Kinds.NetBackends"/>).
    /// </summary>
    public string? NetworkPersistence { get; set; }

    /// <summary>Where net.configure writes systemd-networkd's .network and .netdev files (one per interface, 50-ccdsvm-&lt;name&gt;.*).</summary>
    public string NetworkdDirectory { get; set; } = "/etc/systemd/network";

    /// <summary>Longest pause between reconnect attempts, in seconds.</summary>
    public int MaxReconnectDelaySeconds { get; set; } = 30;

    /// <summary>
    /// How long the unit keeps running tasks without contact with its station (the lease it asks for); 0, the default,
    /// asks for the longest the station grants (its Station:RecoveryGraceSeconds less Station:LeaseMarginSeconds,
    /// 55 s by default): a shorter lease stops tasks sooner without handing their locks on any sooner. When the lease
    /// ends the agent stops the tasks whose locks the station may hand on, and reports them interrupted when it is back.
    /// </summary>
    public int LeaseSeconds { get; set; }

    /// <summary>
    /// What this unit announces itself as: <see cref="Ccdsvm.Shared.Contracts.UnitKind.Unit"/>, or, for the uplink a mid
    /// station runs to the station above it, <see cref="Ccdsvm.Shared.Contracts.UnitKind.Station"/> (set by that uplink, not by hand).
    /// </summary>
    public Ccdsvm.Shared.Contracts.UnitKind Kind { get; set; }

    /// <summary>The station this unit sits under, for layered stations; null for a top-level unit.</summary>
    public string? Parent { get; set; }

    /// <summary>
    /// Where the data-plane listener binds, e.g. https://0.0.0.0:5090; port 0 picks a free port. Over https (the default)
    /// it serves with the certificate the station issues this unit and serves transfers only to units enrolled with the
    /// same station and to its relay; http:// serves it unencrypted to anyone holding a ticket.
    /// </summary>
    public string DataUrl { get; set; } = "https://127.0.0.1:0";

    /// <summary>The data-plane address other agents use, when it differs from the bound one (NAT, a wildcard bind).</summary>
    public string? DataPublicUrl { get; set; }

    public IReadOnlyList<string> EffectiveRoots =>
        Roots.Count > 0 ? Roots : [Path.Combine("data", "units", Name, "files")];

    public string EffectiveDataDirectory => Path.GetFullPath(DataDirectory ?? Path.Combine("data", "units", Name));

    public string EffectiveStateDirectory => Path.GetFullPath(StateDirectory ?? Path.Combine(EffectiveDataDirectory, "state"));

    /// <summary>Volumes are mounted below here; mounted volumes count as roots for file work.</summary>
    public string VolumeMountRoot => Path.Combine(Path.GetFullPath(MountRoot), "volumes");

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || !Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new InvalidOperationException($"Agent:Name '{Name}' must be lower-case letters, digits and dashes.");
        if (!Uri.TryCreate(StationUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new InvalidOperationException($"Agent:StationUrl '{StationUrl}' must be an http(s) address such as http://127.0.0.1:5080.");
        try { Ccdsvm.Shared.Contracts.Tls.CertificatePins.ParseList(StationFingerprint); }
        catch (FormatException ex) { throw new InvalidOperationException($"Agent:StationFingerprint (--fingerprint): {ex.Message}", ex); }
        if (LeaseSeconds is < 0 or > 86400)
            throw new InvalidOperationException($"Agent:LeaseSeconds {LeaseSeconds} must be between 1 and 86400, or 0 for the longest lease the station grants.");
        if (!Uri.TryCreate(DataUrl, UriKind.Absolute, out var data) || data.Scheme is not ("https" or "http"))
            throw new InvalidOperationException($"Agent:DataUrl '{DataUrl}' must be an https address such as https://0.0.0.0:5090 (port 0 picks a free port; http:// serves the data plane unencrypted).");
        if (!string.IsNullOrEmpty(NetworkPersistence) && !Ccdsvm.Shared.Contracts.Kinds.NetBackends.All.Contains(NetworkPersistence, StringComparer.Ordinal))
            throw new InvalidOperationException($"Agent:NetworkPersistence '{NetworkPersistence}' must be empty (detect), {string.Join(", ", Ccdsvm.Shared.Contracts.Kinds.NetBackends.All)}.");
        if (!Path.IsPathRooted(NetworkdDirectory))
            throw new InvalidOperationException($"Agent:NetworkdDirectory '{NetworkdDirectory}' must be an absolute directory such as /etc/systemd/network.");
    }
}
