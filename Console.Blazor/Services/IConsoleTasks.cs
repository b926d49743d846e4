using System.Text.Json;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// What the console's components need from the station, bound to the signed-in user of the circuit.
/// Components depend on this interface so bUnit tests can drive them from a scripted stream.
/// </summary>
public interface IConsoleTasks
{
    string UserName { get; }
    bool IsAdmin { get; }

    IReadOnlyCollection<TaskKindDefinition> Kinds { get; }
    IReadOnlyList<UnitView> Units();

    /// <summary>One unit the user sees, looked up by id (null when unknown or not visible): no walk over the fleet.</summary>
    UnitView? Unit(string id);

    /// <summary>Whether the user may run a kind on a unit: the console hides what they may not do (the station checks anyway).</summary>
    bool MayRun(string kind, string unit);

    /// <summary>
    /// Why the unit cannot run the kind, from what its agent announced (the station's own check, <see cref="KindAbility"/>):
    /// with <paramref name="parameters"/>, for those; without, however they are chosen (what a form offers). Null when it can,
    /// or when the unit announced no capabilities. The console does not offer what this refuses, or shows it disabled with the reason.
    /// </summary>
    string? CannotRun(string kind, string unit, JsonElement? parameters = null);

    /// <summary>Whether the user may run a kind on one resource of a unit (a file path's resource): a deeper grant or NoAccess decides there.</summary>
    bool MayRunOn(string kind, string resource);

    /// <summary>Whether the user holds a privilege on a path.</summary>
    bool Allows(string path, string privilege);

    Task<Outcome<TaskView>> SubmitAsync(SubmitTask request);
    Task<Outcome<TaskView>> CancelAsync(long taskId);

    /// <summary>Keeps what a net.configure task applied on probation (<see cref="TaskConfirmations"/>).</summary>
    Task<Outcome<TaskView>> ConfirmAsync(long taskId);
    TaskView? Get(long taskId);
    IReadOnlyList<TaskView> List(TaskQuery query);
    IReadOnlyList<TaskEventView> Events(long taskId);
    (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) Locks();
    (int Active, int Max) Slots { get; }

    /// <summary>
    /// Updates of tasks this user may see. Handlers run off the renderer: hop with InvokeAsync. <paramref name="wants"/>,
    /// when given, runs first, on the publisher's thread (the agent's report): an update the subscriber does not show costs
    /// no access check.
    /// </summary>
    IDisposable SubscribeTasks(Action<TaskUpdate> handler, Func<TaskView, bool>? wants = null);

    /// <summary>Units that change; null when the user's grants changed and the set of visible units must be read again.</summary>
    IDisposable SubscribeUnits(Action<UnitView?> handler);
}
