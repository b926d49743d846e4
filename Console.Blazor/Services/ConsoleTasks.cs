using System.Text.Json;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>The circuit's view of the station: every call goes to one Station.Core service as the signed-in user.</summary>
public sealed class ConsoleTasks(
    ConsoleUser user,
    TaskEngine engine,
    TaskKindCatalog catalog,
    UnitDirectory units,
    TaskNotifier notifier,
    Station.Core.Bulk.BulkRollouts bulk,
    TaskConfirmations confirmations) : IConsoleTasks
{
    private Caller Caller => user.Caller;

    public string UserName => Caller.Name;
    public bool IsAdmin => Caller.IsAdmin;

    /// <summary>The kinds a task form offers: browser transfers are started by the file manager's links, not by a form.</summary>
    public IReadOnlyCollection<TaskKindDefinition> Kinds { get; } = catalog.All.Where(k => !Station.Core.Tasks.BrowserTransferKinds.Is(k.Kind)).ToList();

    public IReadOnlyList<UnitView> Units() => units.All(Caller);

    public UnitView? Unit(string id) => units.View(Caller, id).Value;

    public bool MayRun(string kind, string unit) =>
        catalog.TryGet(kind, out var d) && user.Allows(ResourcePath.Unit(unit), d.Privilege);

    public string? CannotRun(string kind, string unit, JsonElement? parameters = null)
    {
        if (!catalog.TryGet(kind, out var d)) return null;
        var capabilities = units.View(Caller, unit).Value?.Capabilities;
        return parameters is { } p ? KindAbility.Refusal(d, unit, p, capabilities) : KindAbility.Refusal(d, unit, capabilities);
    }

    public bool MayRunOn(string kind, string resource) =>
        catalog.TryGet(kind, out var d) && user.Allows(resource, d.Privilege);

    public bool Allows(string path, string privilege) => user.Allows(path, privilege);

    // Through the bulk rollouts: a task over many units becomes a bulk parent, a cancel of one cancels its children.
    public Task<Outcome<TaskView>> SubmitAsync(SubmitTask request) => bulk.SubmitAsync(request, Caller);

    public Task<Outcome<TaskView>> CancelAsync(long taskId) => bulk.CancelAsync(taskId, Caller);

    public Task<Outcome<TaskView>> ConfirmAsync(long taskId) => confirmations.ConfirmAsync(taskId, Caller);

    public TaskView? Get(long taskId) => engine.Get(taskId, Caller).Value;

    public IReadOnlyList<TaskView> List(TaskQuery query) => engine.List(query, Caller).Value ?? [];

    public IReadOnlyList<TaskEventView> Events(long taskId) => engine.Events(taskId, Caller).Value ?? [];

    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) Locks() => engine.LockTable(Caller);

    public (int Active, int Max) Slots => (engine.ActiveCount, engine.MaxTasks);

    public IDisposable SubscribeTasks(Action<TaskUpdate> handler, Func<TaskView, bool>? wants = null)
    {
        // Every progress report of every task reaches every subscriber on the agent's hub thread: the subscriber's own
        // filter first, and the user resolved once, again only after the station's access changed (a grant, a revocation,
        // a group), instead of an ACL resolution per report per subscriber.
        var seen = new CallerCache(user);
        var changes = notifier.Subscribe(u =>
        {
            if (wants is not null && !wants(u.Task)) return;
            if (engine.CanSee(seen.Caller, u.Task.Owner, u.Task.Target)) handler(u);
        });
        return new Both(changes, user.OnAccessChanged(seen.Forget));
    }

    /// <summary>The circuit's user as last resolved; forgotten when the station's access changes.</summary>
    private sealed class CallerCache(ConsoleUser user)
    {
        private Caller? _caller;

        public Caller Caller => Volatile.Read(ref _caller) ?? Remember();

        public void Forget() => Volatile.Write(ref _caller, null);

        private Caller Remember()
        {
            var caller = user.Caller;
            Volatile.Write(ref _caller, caller);
            return caller;
        }
    }

    /// <summary>Unit changes, and null whenever the user's access changes (a unit granted appears live, a revoked one goes).</summary>
    public IDisposable SubscribeUnits(Action<UnitView?> handler)
    {
        var changes = units.Subscribe(u =>
        {
            if (units.View(Caller, u.Id).Ok) handler(u);
        });
        var access = user.OnAccessChanged(() => handler(null));
        return new Both(changes, access);
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
