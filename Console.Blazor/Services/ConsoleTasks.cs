using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components.Authorization;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>The circuit's view of the station: every call goes to one Station.Core service as the signed-in user.</summary>
public sealed class ConsoleTasks(
    AuthenticationStateProvider authentication,
    TaskEngine engine,
    TaskKindCatalog catalog,
    UnitRegistry units,
    TaskNotifier notifier,
    Station.Core.Security.AccessControl access) : IConsoleTasks
{
    private string? _name;

    /// <summary>Resolved at each use, so grants and revocations reach an open console at once.</summary>
    private Caller Caller => _name is null
        ? Resolve()
        : access.Resolve(_name);

    private Caller Resolve()
    {
        var caller = authentication.GetAuthenticationStateAsync().GetAwaiter().GetResult().User.ToCaller(access)
            ?? throw new InvalidOperationException("the console is used without a signed-in user");
        _name = caller.Name;
        return caller;
    }

    public string UserName => Caller.Name;
    public bool IsAdmin => Caller.IsAdmin;

    public IReadOnlyCollection<TaskKindDefinition> Kinds => catalog.All;

    public IReadOnlyList<UnitView> Units() => units.All();

    public Task<Outcome<TaskView>> SubmitAsync(SubmitTask request) => engine.SubmitAsync(request, Caller);

    public Task<Outcome<TaskView>> CancelAsync(long taskId) => engine.CancelAsync(taskId, Caller);

    public TaskView? Get(long taskId) => engine.Get(taskId, Caller).Value;

    public IReadOnlyList<TaskView> List(TaskQuery query) => engine.List(query, Caller).Value ?? [];

    public IReadOnlyList<TaskEventView> Events(long taskId) => engine.Events(taskId, Caller).Value ?? [];

    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) Locks() => engine.LockTable();

    public (int Active, int Max) Slots => (engine.ActiveCount, engine.MaxTasks);

    public IDisposable SubscribeTasks(Action<TaskUpdate> handler)
    {
        var caller = Caller;
        return notifier.Subscribe(u =>
        {
            if (caller.IsAdmin || u.Task.Owner == caller.Name) handler(u);
        });
    }

    public IDisposable SubscribeUnits(Action<UnitView> handler) => units.Subscribe(handler);
}
