using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Paths;

/// <summary>
/// A parameter of a task kind that names a file path on the unit that runs the task. <see cref="Name"/> may
/// reach into an object ("destination.path"). <see cref="FollowsLastLink"/> says whether the executor acts on
/// what a symbolic link at the end of the path points to (checksum, list) or on the entry itself (delete,
/// rename). <see cref="UnderMountRoot"/>: a mount point, kept under the unit's mount root rather than its roots.
/// </summary>
public sealed record PathParameter(string Name, bool FollowsLastLink, bool UnderMountRoot = false)
{
    /// <summary><c>path</c>, acted on where a link at its end points (checksum, list, write).</summary>
    public static readonly PathParameter Path = new("path", true);

    /// <summary><c>path</c>, acted on as the entry itself, even when it is a link (mkdir, delete).</summary>
    public static readonly PathParameter Entry = new("path", false);

    /// <summary>The property names from the parameters object down to the string.</summary>
    public string[] Chain { get; } = Name.Split('.');
}

/// <summary>
/// Which parameters of each kind are paths on the target unit, as each kind's contract declares them
/// (<see cref="IKindContract.UnitPaths"/>): the station canonicalises them and locks and authorises their
/// resources; the agent refuses an order whose path is not canonical or whose resource its signed ticket does not name.
/// </summary>
public static class KindPaths
{
    /// <summary>The path parameters of <paramref name="kind"/> on its target unit; empty for kinds without.</summary>
    public static IReadOnlyList<PathParameter> For(string kind) => KindContracts.TryGet(kind, out var contract) ? contract.UnitPaths : [];
}
