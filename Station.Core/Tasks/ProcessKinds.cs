using System.Globalization;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Task kinds acting on a unit's processes; each holds <c>/units/{u}/processes/{pid}</c> exclusively.</summary>
public static class ProcessKinds
{
    public static string Resource(string unit, long pid) => $"{ResourcePath.Unit(unit)}/processes/{pid.ToString(CultureInfo.InvariantCulture)}";

    private static IReadOnlyList<LockRequest> Plan(string unit, int pid) => [new LockRequest(Resource(unit, pid), LockMode.Exclusive)];

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return TaskKindDefinition.From(ProcessSignal.Contract, (unit, p) => Plan(unit, p.Pid));
        yield return TaskKindDefinition.From(ProcessRenice.Contract, (unit, p) => Plan(unit, p.Pid));
    }
}
