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

    public static IEnumerable<TaskKindDefinition> BuiltIn()
    {
        yield return TaskKindDefinition.From(FsChecksum.Contract,
            // The file is only read: shared, released as soon as hashing (stage 1) is done.
            (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Path), LockMode.Shared, 1)]);

        yield return TaskKindDefinition.From(FsList.Contract, (unit, p) => [new LockRequest(ResourcePath.File(unit, p.Path), LockMode.Shared)]);

        yield return TaskKindDefinition.From(StorageInventory.Contract, (unit, _) => [new LockRequest(ResourcePath.Disks(unit), LockMode.Shared)]);
        yield return TaskKindDefinition.From(NetInventory.Contract, (unit, _) => [new LockRequest(ResourcePath.Network(unit), LockMode.Shared)]);
        // Every interface it changes, creates or deletes, and the parents, links and ports it names: exclusive, until the
        // change is confirmed or rolled back (a net.inventory waits meanwhile, as it reads the whole network).
        yield return TaskKindDefinition.From(NetConfigure.Contract, (unit, p) =>
            [.. NetConfigure.Touched(p).Select(name => new LockRequest(ResourcePath.Interface(unit, name), LockMode.Exclusive))]);

        // A terminal holds no resource of the unit; its shared lock names where its privilege is checked and shows it in the lock list.
        yield return TaskKindDefinition.From(SystemTerminal.Contract, (unit, _) => [new LockRequest(ResourcePath.Terminal(unit), LockMode.Shared)]);

        yield return TaskKindDefinition.From(MaintenanceHold.Contract, (unit, p) => [new LockRequest(HoldResource(unit, p.Resource), LockMode.Exclusive)]);

        foreach (var kind in StorageKinds.Definitions()) yield return kind;
        foreach (var kind in FileKinds.Definitions()) yield return kind;
        foreach (var kind in DataKinds.Definitions()) yield return kind;
        foreach (var kind in BrowserTransferKinds.Definitions()) yield return kind;
        foreach (var k in ProcessKinds.Definitions()) yield return k;
        foreach (var k in AuthKinds.Definitions()) yield return k;
    }

    /// <summary>maintenance.hold may name an absolute resource path or one relative to its unit.</summary>
    public static string HoldResource(string unit, string resource)
    {
        string path = ResourcePath.Normalize(MaintenanceHold.Absolute(unit, resource));
        // A partition held by its name ("disks/sdb1") is held where its tasks lock it: under its disk.
        var parts = path.Split('/');
        return parts.Length == 5 && parts[1] == "units" && parts[3] == "disks" && DiskNames.Split(parts[4]) is not null
            ? $"/units/{parts[2]}/disks/{DiskNames.LockSegments(parts[4])}"
            : path;
    }
}
