using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>File work under a unit's roots: reads lock their path shared, writes exclusive.</summary>
public static class FileKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(FsStat.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Shared)]);

        yield return TaskKindDefinition.From(FsMkdir.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsWrite.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsRename.Contract,
            (unit, p) => [Lock(unit, p.From, LockMode.Exclusive), Lock(unit, p.To, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsCopy.Contract,
            // The source is only read: shared, released when stage 1 (source read) ends.
            (unit, p) => [Lock(unit, p.From, LockMode.Shared, 1), Lock(unit, p.To, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsDelete.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsChmod.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Exclusive)]);

        yield return TaskKindDefinition.From(FsChown.Contract, (unit, p) => [Lock(unit, p.Path, LockMode.Exclusive)]);
    }

    private static LockRequest Lock(string unit, string path, LockMode mode, int releaseAfterStage = 0) =>
        new(ResourcePath.File(unit, path), mode, releaseAfterStage);
}
