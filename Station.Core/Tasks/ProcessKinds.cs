using System.Globalization;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;

namespace Ccdsvm.Station.Core.Tasks;

/// <summary>Task kinds acting on a unit's processes; each holds <c>/units/{u}/processes/{pid}</c> exclusively.</summary>
public static class ProcessKinds
{
    public static string Resource(string unit, long pid) => $"{ResourcePath.Unit(unit)}/processes/{pid.ToString(CultureInfo.InvariantCulture)}";

    private static readonly ParameterSpec Pid = new("pid", ParameterType.Number, true,
        "process id, 2 or more (pid 1, init, is refused; so is the unit's own agent)", 1, int.MaxValue, "4242");

    /// <summary>Refuses pid 1 with the reason rather than a bare range; the agent refuses its own pid the same way.</summary>
    private static Func<JsonElement, string?> NotInit(string verb) => p =>
        p.GetProperty("pid").GetDouble() == 1 ? $"pid 1 is the init process of the unit; {verb} it is refused" : null;

    private static IReadOnlyList<LockRequest> Plan(string unit, JsonElement p) =>
        [new LockRequest(Resource(unit, (long)p.GetProperty("pid").GetDouble()), LockMode.Exclusive)];

    public static IEnumerable<TaskKindDefinition> Definitions()
    {
        yield return new TaskKindDefinition(ProcessTaskKinds.Signal, "Send a signal to a process", "Task." + ProcessTaskKinds.Signal, 1, true,
            [Pid, new ParameterSpec("signal", ParameterType.String, true, $"one of {string.Join(", ", ProcessTaskKinds.Signals)}", Example: "TERM", Allowed: ProcessTaskKinds.Signals)],
            Plan)
        { Rules = NotInit("signalling") };
        yield return new TaskKindDefinition(ProcessTaskKinds.Renice, "Change a process's nice value", "Task." + ProcessTaskKinds.Renice, 1, false,
            [Pid, new ParameterSpec("nice", ParameterType.Number, true, "nice value, -20 (first) to 19 (last)", -20, 19, "10")],
            Plan)
        { Rules = NotInit("renicing") };
    }
}
