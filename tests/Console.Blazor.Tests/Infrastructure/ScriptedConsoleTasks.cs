using System.Collections.Concurrent;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// An <see cref="IConsoleTasks"/> for component tests: tasks live in a dictionary, updates go through a real
/// <see cref="TaskNotifier"/>, kinds come from the real catalog and submissions are validated by the real
/// <see cref="TaskKindDefinition.Validate"/>, so refusals read exactly as the station's do.
/// </summary>
public sealed class ScriptedConsoleTasks : IConsoleTasks
{
    private readonly ConcurrentDictionary<long, TaskView> _tasks = new();
    private readonly ConcurrentQueue<SubmitTask> _submitted = new();
    private readonly ConcurrentQueue<long> _cancelled = new();
    private long _nextId = 1000;

    public TaskNotifier Notifier { get; } = new();

    public string UserName { get; set; } = "alice";
    public bool IsAdmin { get; set; }
    public IReadOnlyCollection<TaskKindDefinition> Kinds { get; } = new TaskKindCatalog().All;
    public List<UnitView> UnitList { get; } = [];
    public List<TaskEventView> EventList { get; } = [];
    public (int Active, int Max) Slots { get; set; } = (0, 8);

    /// <summary>When set, what the station answers to a submit that passed validation.</summary>
    public Func<SubmitTask, Outcome<TaskView>>? OnSubmit { get; set; }

    /// <summary>When set, what the station answers to a cancel; by default the task becomes cancelled.</summary>
    public Func<long, Outcome<TaskView>>? OnCancel { get; set; }

    public IReadOnlyList<SubmitTask> Submitted => [.. _submitted];
    public IReadOnlyList<long> Cancelled => [.. _cancelled];

    private readonly ConcurrentQueue<long> _confirmed = new();

    /// <summary>The tasks the console confirmed (net.configure's Keep).</summary>
    public IReadOnlyList<long> Confirmed => [.. _confirmed];

    public Task<Outcome<TaskView>> ConfirmAsync(long taskId)
    {
        _confirmed.Enqueue(taskId);
        return _tasks.TryGetValue(taskId, out var task)
            ? Task.FromResult<Outcome<TaskView>>(task)
            : Task.FromResult<Outcome<TaskView>>(StationError.NotFound($"task {taskId} does not exist"));
    }

    public IReadOnlyList<UnitView> Units() => UnitList;
    public UnitView? Unit(string id) => UnitList.FirstOrDefault(u => u.Id == id);

    /// <summary>Kinds the scripted user may not run (all others are allowed); what the console hides.</summary>
    public HashSet<string> DeniedKinds { get; } = [];

    public bool MayRun(string kind, string unit) => !DeniedKinds.Contains(kind);

    /// <summary>The station's own decision (<see cref="KindAbility"/>) over what the unit in <see cref="UnitList"/> announced.</summary>
    public string? CannotRun(string kind, string unit, JsonElement? parameters = null)
    {
        var def = Kinds.FirstOrDefault(k => k.Kind == kind);
        UnitView? view;
        lock (UnitList) view = UnitList.FirstOrDefault(u => u.Id == unit);
        if (def is null) return null;
        return parameters is { } p ? KindAbility.Refusal(def, unit, p, view?.Capabilities) : KindAbility.Refusal(def, unit, view?.Capabilities);
    }

    public bool MayRunOn(string kind, string resource) => !DeniedKinds.Contains(kind);

    public bool Allows(string path, string privilege) => IsAdmin;

    /// <summary>Makes a task known to Get/List without announcing it.</summary>
    public TaskView Add(TaskView task) => _tasks[task.Id] = task;

    /// <summary>Stores the task and announces it from a pool thread, as the engine does.</summary>
    public Task PublishAsync(TaskView task, params string[] newLogLines)
    {
        _tasks[task.Id] = task;
        return Task.Run(() => Notifier.Publish(new TaskUpdate(task, newLogLines))).WaitAsync(TimeSpan.FromSeconds(5));
    }

    public Task<Outcome<TaskView>> SubmitAsync(SubmitTask request)
    {
        _submitted.Enqueue(request);
        var def = Kinds.FirstOrDefault(k => k.Kind == request.Kind);
        if (def is null) return Task.FromResult<Outcome<TaskView>>(StationError.BadRequest($"unknown task kind '{request.Kind}'"));
        if (request.Parameters is { } p && def.Validate(p) is { } problem)
            return Task.FromResult<Outcome<TaskView>>(StationError.BadRequest(problem));
        if (OnSubmit is not null) return Task.FromResult(OnSubmit(request));
        var task = Add(Views.Task(Interlocked.Increment(ref _nextId), def.Kind, request.Target ?? "", "queued", owner: UserName) with { Parameters = request.Parameters });
        return Task.FromResult<Outcome<TaskView>>(task);
    }

    public Task<Outcome<TaskView>> CancelAsync(long taskId)
    {
        _cancelled.Enqueue(taskId);
        if (OnCancel is not null) return Task.FromResult(OnCancel(taskId));
        if (!_tasks.TryGetValue(taskId, out var task)) return Task.FromResult<Outcome<TaskView>>(StationError.NotFound($"task {taskId} not found"));
        var cancelled = _tasks[taskId] = task with { State = "cancelled", Error = "cancelled by " + UserName, EndedAt = DateTimeOffset.UtcNow };
        return Task.FromResult<Outcome<TaskView>>(cancelled);
    }

    public TaskView? Get(long taskId) => _tasks.GetValueOrDefault(taskId);

    public IReadOnlyList<TaskView> List(TaskQuery query) =>
        [.. _tasks.Values.Where(query.Matches).OrderByDescending(t => t.Id).Take(query.Limit)];

    public IReadOnlyList<TaskEventView> Events(long taskId) => [.. EventList.Where(e => e.TaskId == taskId)];

    /// <summary>The lock table the console reads.</summary>
    public List<HeldLockView> HeldLocks { get; } = [];

    public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) Locks() => ([.. HeldLocks], []);

    public IDisposable SubscribeTasks(Action<TaskUpdate> handler, Func<TaskView, bool>? wants = null) =>
        Notifier.Subscribe(u => { if (wants is null || wants(u.Task)) handler(u); });

    private readonly Notifier<UnitView?> _units = new();

    public IDisposable SubscribeUnits(Action<UnitView?> handler) => _units.Subscribe(handler);

    /// <summary>Replaces the unit in <see cref="UnitList"/> (or adds it) and announces it from a pool thread, as the directory does.</summary>
    public Task PublishUnitAsync(UnitView unit)
    {
        lock (UnitList)
        {
            int i = UnitList.FindIndex(u => u.Id == unit.Id);
            if (i >= 0) UnitList[i] = unit;
            else UnitList.Add(unit);
        }
        return Task.Run(() => _units.Publish(unit)).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
