using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>
/// Task kinds that move data between units. <c>data.move</c> targets the DESTINATION unit: its executor
/// runs there and pulls from the source unit's data plane.
/// </summary>
public static class DataKinds
{
    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(DataMove.Contract, LockPlan, DataMove.CheckTarget);
    }

    /// <summary>
    /// The source is read-shared until it is read and hashed (stage 1), or held exclusive to the end for a move,
    /// which deletes it; the destination is exclusive until the rename (stage 2).
    /// </summary>
    private static IReadOnlyList<LockRequest> LockPlan(string unit, DataMoveParameters p) =>
    [
        p.IsMove
            ? new LockRequest(ResourcePath.File(p.Source.Unit, p.Source.Path), LockMode.Exclusive)
            : new LockRequest(ResourcePath.File(p.Source.Unit, p.Source.Path), LockMode.Shared, 1),
        new LockRequest(ResourcePath.File(unit, p.Destination.Path), LockMode.Exclusive, 2),
    ];
}
