using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Every task kind the station accepts, with parameters, privilege and lock plan.</summary>
public sealed class TaskKindCatalog
{
    private readonly Dictionary<string, TaskKindDefinition> _kinds;

    public TaskKindCatalog() : this(BuiltIn())
    {
    }

    public TaskKindCatalog(IEnumerable<TaskKindDefinition> kinds) =>
        _kinds = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);

    public IReadOnlyCollection<TaskKindDefinition> All => _kinds.Values;

    public bool TryGet(string kind, out TaskKindDefinition definition) => _kinds.TryGetValue(kind, out definition!);

    public string KnownKinds => string.Join(", ", _kinds.Keys.Order(StringComparer.Ordinal));

    private static string Str(JsonElement p, string name) => p.GetProperty(name).GetString()!;

    public static IEnumerable<TaskKindDefinition> BuiltIn()
    {
        var path = new ParameterSpec("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.bin", IsPath: true);

        yield return TaskKindDefinition.From(FsChecksum.Contract,
            // The file is only read: shared, released as soon as hashing (stage 1) is done.
            (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Path), LockMode.Shared, 1)]);

        yield return new TaskKindDefinition(TaskKinds.FsList, "List a directory", "Task.fs.list", 1, false, [path with { Description = "absolute path of a directory inside one of the unit's roots" }],
            (unit, p) => [new LockRequest(ResourcePath.File(unit, Str(p, "path")), LockMode.Shared)]);

        yield return new TaskKindDefinition(TaskKinds.StorageInventory, "Block devices of the unit", "Task.storage.inventory", 1, false, [],
            (unit, _) => [new LockRequest($"{ResourcePath.Unit(unit)}/disks", LockMode.Shared)]);

        yield return new TaskKindDefinition(TaskKinds.MaintenanceHold, "Hold a resource for maintenance", "Task.maintenance.hold", 1, false,
            [
                new ParameterSpec("resource", ParameterType.String, true, "resource to hold exclusively: a path like /units/a/disks/sdb, or one relative to the unit such as disks/sdb", Example: "disks/sdb"),
                new ParameterSpec("seconds", ParameterType.Number, true, "how long to hold it", 1, 604800, "60"),
                new ParameterSpec("reason", ParameterType.String, false, "shown to whoever waits for it", Example: "replacing cable"),
            ],
            (unit, p) => [new LockRequest(HoldResource(unit, Str(p, "resource")), LockMode.Exclusive)])
        {
            Rules = p => ResourcePath.IsValid(HoldResource("u", Str(p, "resource"), normalize: false)) ? null
                : "parameter 'resource' must name one resource without '.' or '..' segments, NUL or control characters, e.g. disks/sdb or /units/a/fs/srv/data",
        };

        foreach (var kind in StorageKinds.Definitions()) yield return kind;
        foreach (var kind in FileKinds.Definitions()) yield return kind;
        foreach (var kind in DataKinds.Definitions()) yield return kind;
        foreach (var kind in Transfers.BrowserTransferKinds.Definitions()) yield return kind;
        foreach (var k in ProcessKinds.Definitions()) yield return k;
        foreach (var k in AuthKinds.Definitions()) yield return k;
        yield return Units.AuthEnrolKind.Definition();
    }

    /// <summary>maintenance.hold may name an absolute resource path or one relative to its unit.</summary>
    public static string HoldResource(string unit, string resource, bool normalize = true)
    {
        string path = resource.StartsWith('/') ? resource : $"{ResourcePath.Unit(unit)}/{resource}";
        if (!normalize) return path;
        path = ResourcePath.Normalize(path);
        // A partition held by its name ("disks/sdb1") is held where its tasks lock it: under its disk.
        var parts = path.Split('/');
        return parts.Length == 5 && parts[1] == "units" && parts[3] == "disks" && DiskNames.Split(parts[4]) is not null
            ? $"/units/{parts[2]}/disks/{DiskNames.LockSegments(parts[4])}"
            : path;
    }
}
