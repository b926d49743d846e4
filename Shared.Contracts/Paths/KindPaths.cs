namespace Ccdsvm.Shared.Contracts.Paths;

/// <summary>
/// A parameter of a task kind that names a file path on the unit that runs the task. <see cref="Name"/> may
/// reach into an object ("destination.path"). <see cref="FollowsLastLink"/> says whether the executor acts on
/// what a symbolic link at the end of the path points to (checksum, list) or on the entry itself (delete,
/// rename). <see cref="UnderMountRoot"/>: a mount point, kept under the unit's mount root rather than its roots.
/// </summary>
public sealed record PathParameter(string Name, bool FollowsLastLink, bool UnderMountRoot = false)
{
    /// <summary>The property names from the parameters object down to the string.</summary>
    public string[] Chain { get; } = Name.Split('.');
}

/// <summary>
/// Which parameters of each kind are paths on the target unit: the station canonicalises them and locks and
/// authorises their resources; the agent refuses an order whose path is not canonical or whose resource its
/// signed ticket does not name. One table, read by both sides.
/// </summary>
public static class KindPaths
{
    private static readonly PathParameter Path = new("path", true);
    private static readonly PathParameter PathEntry = new("path", false);

    private static readonly Dictionary<string, PathParameter[]> ByKind = new(StringComparer.Ordinal)
    {
        [TaskKinds.FsChecksum] = [Path],
        [TaskKinds.FsList] = [Path],
        [TaskKinds.FsStat] = [Path],
        [TaskKinds.FsMkdir] = [PathEntry],
        [TaskKinds.FsWrite] = [Path],
        [TaskKinds.FsDelete] = [PathEntry],
        [TaskKinds.FsChmod] = [Path],
        [TaskKinds.FsChown] = [Path],
        [TaskKinds.FsRename] = [new("from", false), new("to", false)],
        [TaskKinds.FsCopy] = [new("from", true), new("to", false)],
        [TaskKinds.StorageMount] = [new("mountpoint", false, UnderMountRoot: true)],
        [TaskKinds.StorageUnmount] = [new("mountpoint", false, UnderMountRoot: true)],
        [TaskKinds.DataMove] = [new("destination.path", true)],
    };

    /// <summary>The path parameters of <paramref name="kind"/> on its target unit; empty for kinds without.</summary>
    public static IReadOnlyList<PathParameter> For(string kind) => ByKind.TryGetValue(kind, out var p) ? p : [];
}
