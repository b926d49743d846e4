extern alias blazor;
using BenchmarkDotNet.Attributes;
using blazor::Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Bench;

/// <summary>
/// Live pane fan-out (issue 21.1): what one <c>Notifier.Publish</c> of a task's progress costs the publisher (the agent's
/// hub call) when <see cref="Circuits"/> circuits each show a pane of that task. Each circuit is a real Blazor renderer
/// (<see cref="HtmlRenderer"/>, whose dispatcher runs <c>InvokeAsync</c> work inline when idle, as a circuit's does).
/// <c>Inline</c> is the console before: every update does <c>InvokeAsync(() => { apply; StateHasChanged(); })</c>;
/// <c>Coalesced</c> is <see cref="LiveTaskUpdates"/>. The renders the coalesced panes do on the pool are counted per publish.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 9)]
public class PaneFanOutBenchmarks
{
    private const int PerInvoke = 1000;
    private readonly List<HtmlRenderer> _renderers = [];
    private ServiceProvider? _services;
    private TaskUpdate[] _updates = [];
    private BenchTasks _tasks = new();

    [Params(1, 20, 100)] public int Circuits { get; set; }

    [Params(false, true)] public bool Coalesced { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tasks = new BenchTasks();
        _services = new ServiceCollection().BuildServiceProvider();
        var view = new TaskView(1, "fs.checksum", "unit-a", "alice", 1, "running", 0, "hashing", 1, 1, null, null, null, null, [], [], null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null);
        _updates = [.. Enumerable.Range(0, PerInvoke).Select(i => new TaskUpdate(view with { Progress = i / (double)PerInvoke }, []))];
        for (int c = 0; c < Circuits; c++)
        {
            var renderer = new HtmlRenderer(_services, NullLoggerFactory.Instance);
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(BenchPane.Tasks)] = _tasks,
                [nameof(BenchPane.TaskId)] = 1L,
                [nameof(BenchPane.Coalesced)] = Coalesced,
            });
            renderer.Dispatcher.InvokeAsync(() => renderer.RenderComponentAsync<BenchPane>(parameters)).GetAwaiter().GetResult();
            _renderers.Add(renderer);
        }
        BenchPane.Renders = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Circuits} circuits, coalesced={Coalesced}: {BenchPane.Renders} pane renders in all");
        foreach (var r in _renderers) r.Dispose();
        _renderers.Clear();
        _services?.Dispose();
    }

    [Benchmark(OperationsPerInvoke = PerInvoke, Description = "Publish one progress update")]
    public void Publish()
    {
        foreach (var u in _updates) _tasks.Notifier.Publish(u);
    }

    /// <summary>A pane as the console's shows a task: state, percent, stage; subscribed the old way or through the coalescer.</summary>
    public sealed class BenchPane : ComponentBase, IDisposable
    {
        private static long s_renders;

        public static long Renders
        {
            get => Interlocked.Read(ref s_renders);
            set => Interlocked.Exchange(ref s_renders, value);
        }

        private TaskView? _task;
        private IDisposable? _subscription;

        [Parameter] public IConsoleTasks Tasks { get; set; } = default!;

        [Parameter] public long TaskId { get; set; }

        [Parameter] public bool Coalesced { get; set; }

        protected override void OnInitialized() =>
            _subscription = Coalesced
                ? new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
                {
                    foreach (var u in updates) _task = u.Task;
                    StateHasChanged();
                }, t => t.Id == TaskId)
                : Tasks.SubscribeTasks(u =>
                {
                    if (u.Task.Id != TaskId) return;
                    _ = InvokeAsync(() =>
                    {
                        _task = u.Task;
                        StateHasChanged();
                    });
                });

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            Interlocked.Increment(ref s_renders);
            builder.OpenElement(0, "div");
            builder.AddAttribute(1, "class", "task-pane");
            builder.OpenElement(2, "span");
            builder.AddAttribute(3, "data-testid", "state-chip");
            builder.AddContent(4, _task?.State);
            builder.CloseElement();
            builder.OpenElement(5, "span");
            builder.AddAttribute(6, "data-testid", "pane-percent");
            builder.AddContent(7, $"{(_task?.Progress ?? 0) * 100:0}%");
            builder.CloseElement();
            builder.OpenElement(8, "span");
            builder.AddAttribute(9, "data-testid", "pane-stage");
            builder.AddContent(10, _task?.Stage);
            builder.CloseElement();
            builder.CloseElement();
        }

        public void Dispose() => _subscription?.Dispose();
    }

    /// <summary>Only the subscription is used: a real <see cref="TaskNotifier"/> as the engine publishes through.</summary>
    public sealed class BenchTasks : IConsoleTasks
    {
        public TaskNotifier Notifier { get; } = new();
        public string UserName => "alice";
        public bool IsAdmin => true;
        public IReadOnlyCollection<TaskKindDefinition> Kinds => [];
        public (int Active, int Max) Slots => (0, 8);
        public IReadOnlyList<UnitView> Units() => [];
        public UnitView? Unit(string id) => null;
        public bool MayRun(string kind, string unit) => true;
        public string? CannotRun(string kind, string unit, System.Text.Json.JsonElement? parameters = null) => null;
        public bool MayRunOn(string kind, string resource) => true;
        public bool Allows(string path, string privilege) => true;
        public Task<Outcome<TaskView>> SubmitAsync(SubmitTask request) => throw new NotSupportedException();
        public Task<Outcome<TaskView>> CancelAsync(long taskId) => throw new NotSupportedException();
        public Task<Outcome<TaskView>> ConfirmAsync(long taskId) => throw new NotSupportedException();
        public TaskView? Get(long taskId) => null;
        public IReadOnlyList<TaskView> List(TaskQuery query) => [];
        public IReadOnlyList<TaskEventView> Events(long taskId) => [];
        public (IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting) Locks() => ([], []);
        public IDisposable SubscribeTasks(Action<TaskUpdate> handler, Func<TaskView, bool>? wants = null) =>
            Notifier.Subscribe(u => { if (wants is null || wants(u.Task)) handler(u); });
        public IDisposable SubscribeUnits(Action<UnitView?> handler) => new Nothing();

        private sealed class Nothing : IDisposable
        {
            public void Dispose() { }
        }
    }
}
