using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Monitoring;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Overview;

/// <summary>
/// The first screen's state of the fleet (<see cref="FleetFacts"/>) and the obvious next actions, live: units
/// coming and going, storage readings, task changes and alerts all update it without a reload. Everything comes
/// from what the console already holds; nothing here starts a task or waits for a lock.
/// </summary>
public sealed partial class FleetOverview : ComponentBase, IDisposable
{
    /// <summary>Below this many units the overview offers to enrol one (to those who may).</summary>
    public const int FewUnits = 3;

    /// <summary>How many failed tasks, alerts or full file systems a tile lists before "and n more".</summary>
    public const int Listed = 5;

    /// <summary>Each unit's nearly full file systems, worked out once per storage reading.</summary>
    private readonly Dictionary<string, IReadOnlyList<NearFullFileSystem>> _nearFull = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TaskView> _failed = [];
    private readonly HashSet<long> _active = [];
    private readonly List<IDisposable> _subscriptions = [];
    private IReadOnlyList<UnitView> _units = [];
    private IReadOnlyList<Alert> _alerts = [];
    private FleetFacts _facts = FleetFacts.Of([], _ => null, [], 0, []);
    private bool _expanded;
    private int _unitsPending, _accessChanged;
    private readonly CancellationTokenSource _closed = new();

    /// <summary>How often at most unit changes are read again.</summary>
    private static readonly TimeSpan UnitThrottle = TimeSpan.FromMilliseconds(500);

    [Inject] private IConsoleTasks Tasks { get; set; } = default!;
    [Inject] private IConsoleStorage Storage { get; set; } = default!;
    [Inject] private IConsoleMetrics Metrics { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;

    /// <summary>Shown as a one-line strip that opens on demand (the workspace with panes open); otherwise always open.</summary>
    [Parameter] public bool Collapsible { get; set; }

    /// <summary>"Run a task" on a unit; without it the button goes to the workspace's task form.</summary>
    [Parameter] public EventCallback<string> OnRunTask { get; set; }

    private bool Open => !Collapsible || _expanded;

    private bool MayEnrol => Tasks.Allows(AdminResources.Enrol.Resource, AdminResources.Enrol.Privilege);

    private bool OfferEnrol => MayEnrol && _facts.Units.Count < FewUnits;

    /// <summary>The first online unit the user may run some task on: where "Run a task" starts.</summary>
    private UnitView? RunTarget => _units.FirstOrDefault(u => u.Online && Tasks.Kinds.Any(k => Tasks.MayRun(k.Kind, u.Id)));

    protected override void OnInitialized()
    {
        // Subscribe first, then read: a change between the two is applied twice, never missed.
        // Null: the user's access changed, so every reading is asked for again (one may no longer be theirs to see).
        // Units coming and going are read again at most once per UnitThrottle: a fleet of thousands coming online costs each
        // circuit a few reads, not one per unit.
        _subscriptions.Add(Tasks.SubscribeUnits(u =>
        {
            if (u is null) Interlocked.Exchange(ref _accessChanged, 1);
            if (Interlocked.Exchange(ref _unitsPending, 1) == 0) _ = ReadUnitsLaterAsync();
        }));
        _subscriptions.Add(Storage.SubscribeAll(s => InvokeAsync(() => { _nearFull[s.Unit] = FleetFacts.NearFullOn(s); Changed(); })));
        _subscriptions.Add(new LiveTaskUpdates(Tasks, InvokeAsync, DispatchExceptionAsync, updates =>
        {
            bool changed = false;
            foreach (var u in updates) changed |= Apply(u.Task);
            if (changed) Changed();
        }));
        _subscriptions.Add(Metrics.SubscribeAlerts(_ => InvokeAsync(() => { _alerts = Metrics.Alerts(); Changed(); })));
        ReadUnits();
        foreach (var t in Tasks.List(new TaskQuery(Limit: 1000))) Apply(t);
        _alerts = Metrics.Alerts();
        Recompute();
    }

    private async Task ReadUnitsLaterAsync()
    {
        try
        {
            await Task.Delay(UnitThrottle, _closed.Token);
            Interlocked.Exchange(ref _unitsPending, 0);
            await InvokeAsync(() =>
            {
                if (Interlocked.Exchange(ref _accessChanged, 0) == 1) _nearFull.Clear();
                ReadUnits();
                Changed();
            });
        }
        catch (OperationCanceledException)
        {
            // The overview closed.
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away while the read waited.
        }
    }

    /// <summary>The visible units, and the last storage reading of each one not read yet (a reading the user may not see is left out).</summary>
    private void ReadUnits()
    {
        _units = Tasks.Units();
        foreach (var u in _units)
        {
            if (_nearFull.ContainsKey(u.Id)) continue;
            if (Storage.Latest(u.Id) is { Ok: true, Value: { } snapshot }) _nearFull[u.Id] = FleetFacts.NearFullOn(snapshot);
        }
    }

    /// <summary>Keeps the running and recently failed tasks; true when a count or list changed.</summary>
    private bool Apply(TaskView task)
    {
        bool changed = task.CanCancel ? _active.Add(task.Id) : _active.Remove(task.Id);
        if (FleetFacts.FailedRecently(task, Clock.GetUtcNow()))
        {
            changed |= !_failed.ContainsKey(task.Id);
            _failed[task.Id] = task;
        }
        else changed |= _failed.Remove(task.Id);
        return changed;
    }

    private void Recompute()
    {
        var visible = _units.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        _facts = FleetFacts.Of(_units, id => _nearFull.GetValueOrDefault(id), _failed.Values, _active.Count,
            [.. _alerts.Where(a => visible.Contains(a.Unit))]);
    }

    private void Changed()
    {
        Recompute();
        StateHasChanged();
    }

    private void Toggle() => _expanded = !_expanded;

    private Task RunTask()
    {
        if (RunTarget is not { } unit) return Task.CompletedTask;
        if (OnRunTask.HasDelegate) return OnRunTask.InvokeAsync(unit.Id);
        Navigation.NavigateTo($"/?run={Uri.EscapeDataString(unit.Id)}");
        return Task.CompletedTask;
    }

    private static string StorageHref(string unit) => $"/units/{Uri.EscapeDataString(unit)}/storage";

    private static string Percent(double p) => $"{p:0}%";

    private static string Used(NearFullFileSystem f) => $"{f.MountPoint} on {f.Unit}: {Sizes.Both(f.UsedBytes)} of {Sizes.Both(f.SizeBytes)} used";

    private static string Plural(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    private string Ago(DateTimeOffset? at)
    {
        if (at is not { } t) return "";
        var age = Clock.GetUtcNow() - t;
        return age.TotalMinutes < 1 ? "just now" : age.TotalHours < 1 ? $"{age.TotalMinutes:0} min ago" : $"{age.TotalHours:0} h ago";
    }

    /// <summary>The strip's one line: the counts that matter, for when the overview is folded away.</summary>
    private string Line =>
        $"{_facts.Online} online · {_facts.Offline} offline · {Plural(_facts.NearFull.Count, "file system", "file systems")} nearly full · " +
        $"{_facts.Failed.Count} failed · {_facts.Running} running · {Plural(_facts.Alerts.Count, "alert", "alerts")}";

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
        foreach (var s in _subscriptions) s.Dispose();
    }
}
