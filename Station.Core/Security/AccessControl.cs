using Ccdsvm.Shared.Contracts;
using Microsoft.Extensions.Logging;
using Ccdsvm.Shared.Contracts.Paths;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Security;

/// <summary>A user's volume on a unit: its resource id is <c>{owner}/{name}</c> (<see cref="VolumeIds"/>).</summary>
public sealed record OwnedVolume(string Unit, string Name, string Owner, long SizeMiB, string? Mountpoint)
{
    public string Id => VolumeIds.Of(Owner, Name);
}

/// <summary>An ACL entry as the API shows it.</summary>
public sealed record AclEntryView(string Path, string Subject, string Role, DateTimeOffset CreatedAt, string CreatedBy);

/// <summary>
/// Level 1 of the security model: the ACL (roles granted to users and <c>@groups</c> on paths) and group
/// memberships, held as an immutable snapshot that is rebuilt after every change, so checks on the hot
/// path never touch the store. Every REST endpoint, hub method and task admission asks here.
/// </summary>
public sealed class AccessControl : Notifier<string>
{
    private readonly StationDb _db;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private volatile Snapshot _snapshot;

    private sealed record Snapshot(AclEvaluator Evaluator, IReadOnlyList<AclEntryView> Entries, IReadOnlyDictionary<string, string[]> Groups, IReadOnlySet<string> GroupNames,
        IReadOnlyList<OwnedVolume> Volumes, IReadOnlyDictionary<string, long> Quotas);

    /// <summary>What a volume's owner may do on it and inside it: storage and file work, and no more.</summary>
    public static readonly Role VolumeOwner = new("VolumeOwner", "implicit: the owner of a volume, on that volume and its files",
        [Privileges.UnitsView, "Task.storage.volume.resize", "Task.storage.volume.delete", "Task.storage.volume.list", "Task.fs.*", "Files.*"]);

    /// <summary>The group every user of the station above is in at a mid station (README, "Layered stations").</summary>
    public const string UpstreamGroup = "upstream";

    public AccessControl(StationDb db, AuditLog audit, TimeProvider? time = null, ILogger<AccessControl>? logger = null) : base(logger)
    {
        _db = db;
        _audit = audit;
        _time = time ?? TimeProvider.System;
        _snapshot = Load();
    }

    public AuditLog Audit => _audit;

    /// <summary>The caller as the store knows them now: groups and whether they hold Administrator on "/".</summary>
    public Caller Resolve(string name)
    {
        var s = _snapshot;
        var groups = s.Groups.TryGetValue(name, out var g) ? g : [];
        bool admin = s.Evaluator.RolesFor(name, groups, "/").Any(r => r.Name == Roles.Administrator.Name);
        return new Caller(name, admin, groups);
    }

    public bool Allows(Caller caller, string path, string privilege) =>
        caller.IsAdmin || _snapshot.Evaluator.Allows(caller.Name, caller.GroupNames, path, privilege) || AllowsAsOwner(caller, path, privilege);

    /// <summary>
    /// Ownership grants: on a volume they own (its resource and the files under its mount point) a user has
    /// <see cref="VolumeOwner"/>; on the unit holding it, enough to be checked further down; a user with a quota
    /// may create volumes of their own.
    /// </summary>
    private bool AllowsAsOwner(Caller caller, string path, string privilege)
    {
        var s = _snapshot;
        // A volume resource belongs to the user its owner segment names, read back by the one grammar; never a prefix test.
        string? volumeOwner = VolumeIds.OwnerOf(path);
        if (privilege == "Task.storage.volume.create" && s.Quotas.ContainsKey(caller.Name))
            return ResourcePath.Parse(path) is { } at && (at.Area.Length == 0 || volumeOwner == caller.Name);
        if (!VolumeOwner.Allows(privilege)) return false;
        foreach (var v in s.Volumes)
        {
            if (v.Owner != caller.Name) continue;
            string unit = ResourcePath.Unit(v.Unit);
            if (path == unit) return true;
            if (volumeOwner == caller.Name && Under(path, VolumeIds.Resource(v.Unit, v.Owner, v.Name))) return true;
            if (v.Mountpoint is { } m && UnitPath.TryCanonicalize(m, out var mount, out _) && Under(path, UnitPath.Resource(v.Unit, mount))) return true;
        }
        return false;
    }

    private static bool Under(string path, string root) =>
        path == root || (path.StartsWith(root, StringComparison.Ordinal) && path.Length > root.Length && path[root.Length] == '/');

    /// <summary>Whether a role grant (not ownership) allows the privilege on the path.</summary>
    public bool AllowsByRole(Caller caller, string path, string privilege) =>
        caller.IsAdmin || _snapshot.Evaluator.Allows(caller.Name, caller.GroupNames, path, privilege);

    /// <summary>Volumes known to the station, with owner, size and mount point (the ledger keeps them).</summary>
    public IReadOnlyList<OwnedVolume> Volumes => _snapshot.Volumes;

    /// <summary>The user's quota in MiB for the total size of their volumes; null when they have none.</summary>
    public long? QuotaOf(string user) => _snapshot.Quotas.TryGetValue(user, out var q) ? q : null;

    /// <summary>Whether the unit exists for this caller at all: units they may not view are absent, not greyed out.</summary>
    public bool CanSeeUnit(Caller caller, string unitId) => Allows(caller, ResourcePath.Unit(unitId), Privileges.UnitsView);

    /// <summary>The roles in force for the caller on a path (for the console to hide what they may not do).</summary>
    public IReadOnlyList<Role> RolesOn(Caller caller, string path) =>
        caller.IsAdmin ? [Roles.Administrator] : _snapshot.Evaluator.RolesFor(caller.Name, caller.GroupNames, path);

    /// <summary>A refusal with the privilege named, and a line in the audit log.</summary>
    public StationError Refuse(Caller caller, string action, string path, string privilege, string? address = null)
    {
        _audit.Write(caller.Name, action, path, AuditOutcomes.Refused, $"lacks {privilege} on {path}", address);
        return StationError.Forbidden($"you ({caller.Name}) may not do this on {path}: it needs the privilege {privilege}; ask an administrator for a role that has it");
    }

    /// <summary>Checks a privilege and returns a refusal (audited) when it is missing.</summary>
    public StationError? Demand(Caller caller, string action, string path, string privilege, string? address = null) =>
        Allows(caller, path, privilege) ? null : Refuse(caller, action, path, privilege, address);

    public IReadOnlyList<AclEntryView> Entries => _snapshot.Entries;

    public bool GroupExists(string name) => _snapshot.GroupNames.Contains(name);

    public IReadOnlyList<string> GroupsOf(string user) => _snapshot.Groups.TryGetValue(user, out var g) ? g : [];

    public IReadOnlyCollection<string> AllGroups => _snapshot.GroupNames;

    /// <summary>Checks a grant's shape against the store: a known role, a valid path, an existing user or group.</summary>
    public string? ValidateGrant(string? path, string? subject, string? role)
    {
        if (!ResourcePath.IsValid(path) || !AdminResources.IsGrantable(ResourcePath.Normalize(path!)))
            return "'path' must be '/', or a path under /units or /station without '.' or '..' segments, e.g. /units/web-1";
        if (string.IsNullOrWhiteSpace(role) || Roles.Find(role) is null)
            return $"'role' must be one of {string.Join(", ", Roles.BuiltIn.Select(r => r.Name))}";
        if (string.IsNullOrWhiteSpace(subject)) return "'subject' is required: a user name, or @group for a group";
        // Users of the station above (README, "Layered stations"): user@label, and the group @upstream they are all in.
        if (subject == "@" + UpstreamGroup) return null;
        if (subject.IndexOf('@', StringComparison.Ordinal) is var at and > 0)
            return NameRules.IsValidUser(subject[..at]) && IsLabel(subject[(at + 1)..]) ? null
                : $"'{(subject.Length > 40 ? subject[..40] + "…" : subject)}' is not a user of an upper station: write it user@label, such as alice@top";
        using var c = _db.Open();
        if (subject.StartsWith('@'))
            return c.ExecuteScalar<long>("SELECT COUNT(*) FROM groups WHERE name=@n", new { n = subject[1..] }) == 0 ? $"there is no group '{subject[1..]}'" : null;
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE name=@subject", new { subject }) == 0 ? $"there is no user '{subject}'" : null;
    }

    /// <summary>A station's label in an upper user's name: 1-63 lower-case letters, digits and dashes.</summary>
    private static bool IsLabel(string label) =>
        label.Length is > 0 and <= 63 && label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Adds a grant (idempotent). Call <see cref="Reload"/> after the transaction commits.</summary>
    public static void Grant(SqliteConnection c, SqliteTransaction? tx, string path, string subject, string role, string by, DateTimeOffset at) =>
        c.Execute("INSERT OR IGNORE INTO acl(path, subject, role, created_at, created_by) VALUES (@path, @subject, @role, @at, @by)",
            new { path = ResourcePath.Normalize(path), subject, role = Roles.Find(role)!.Name, at = StoreTime.Format(at), by }, tx);

    /// <summary>Removes grants on a path for a subject (one role, or all when <paramref name="role"/> is null); returns how many.</summary>
    public static int Revoke(SqliteConnection c, SqliteTransaction? tx, string path, string subject, string? role) =>
        c.Execute("DELETE FROM acl WHERE path=@path AND subject=@subject AND (@role IS NULL OR role=@role)",
            new { path = ResourcePath.Normalize(path), subject, role = role is null ? null : Roles.Find(role)?.Name ?? role }, tx);

    /// <summary>Rebuilds the snapshot from the store and tells listeners (the console re-filters what it shows).</summary>
    public void Reload(string reason = "acl")
    {
        _snapshot = Load();
        Publish(reason);
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    private Snapshot Load()
    {
        using var c = _db.Open();
        var entries = c.Query<(string Path, string Subject, string Role, string CreatedAt, string CreatedBy)>(
                "SELECT path, subject, role, created_at, created_by FROM acl ORDER BY path, subject, role")
            .Select(r => new AclEntryView(r.Path, r.Subject, r.Role, StoreTime.Parse(r.CreatedAt), r.CreatedBy)).ToList();
        var groups = c.Query<(string Group, string User)>("SELECT group_name, username FROM group_members")
            .GroupBy(m => m.User, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Group).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        var names = c.Query<string>("SELECT name FROM groups").ToHashSet(StringComparer.Ordinal);
        var volumes = c.Query<(string Unit, string Name, string Owner, long SizeMiB, string? Mountpoint)>("SELECT unit, name, owner, size_mib, mountpoint FROM volumes")
            .Select(v => new OwnedVolume(v.Unit, v.Name, v.Owner, v.SizeMiB, v.Mountpoint)).ToList();
        var quotas = c.Query<(string Name, long Quota)>("SELECT name, quota_mib FROM users WHERE quota_mib IS NOT NULL")
            .ToDictionary(q => q.Name, q => q.Quota, StringComparer.Ordinal);
        return new Snapshot(new AclEvaluator(entries.Select(e => new AclEntry(e.Path, e.Subject, e.Role)).ToList()), entries, groups, names, volumes, quotas);
    }
}
