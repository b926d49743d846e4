using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Network;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>
/// The Network card's station services for bUnit: the fleet's addresses as a test sets them, and staging kept here;
/// a staged change is applied through the scripted tasks, so it shows in <see cref="ScriptedConsoleTasks.Submitted"/>.
/// </summary>
public sealed class ScriptedConsoleNetwork(ScriptedConsoleTasks tasks) : IConsoleNetwork
{
    private readonly object _gate = new();
    private readonly List<StagedNetChange> _staged = [];
    private readonly List<(string Unit, Action Changed)> _watchers = [];
    private long _lastId;

    /// <summary>The fleet's addresses the form checks typed addresses against.</summary>
    public List<FleetAddress> Addresses { get; } = [];

    /// <summary>How many times the form read the fleet's addresses.</summary>
    public int Reads { get; private set; }

    public FleetAddresses ReadFleetAddresses()
    {
        Reads++;
        return new FleetAddresses(Addresses);
    }

    public IReadOnlyList<StagedNetChange> Staged(string unit)
    {
        lock (_gate) return [.. _staged.Where(s => s.Unit == unit)];
    }

    public Outcome<StagedNetChange> Stage(string unit, NetConfigureParameters parameters) => StageAs(tasks.UserName, unit, parameters);

    /// <summary>A change staged by someone else (another console, the API): every watcher of the unit hears of it.</summary>
    public StagedNetChange StageAs(string user, string unit, NetConfigureParameters parameters)
    {
        StagedNetChange staged;
        lock (_gate)
        {
            staged = new StagedNetChange(++_lastId, unit, user, new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), parameters);
            _staged.Add(staged);
        }
        Announce(unit);
        return staged;
    }

    /// <summary>How many consoles watch the unit's staged changes now.</summary>
    public int Watchers(string unit)
    {
        lock (_gate) return _watchers.Count(w => w.Unit == unit);
    }

    public IDisposable WatchStaged(string unit, Action changed)
    {
        var watcher = (unit, changed);
        lock (_gate) _watchers.Add(watcher);
        return new Unwatch(() => { lock (_gate) _watchers.Remove(watcher); });
    }

    private void Announce(string unit)
    {
        List<Action> toCall;
        lock (_gate) toCall = [.. _watchers.Where(w => w.Unit == unit).Select(w => w.Changed)];
        foreach (var changed in toCall) changed();
    }

    private sealed class Unwatch(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    public async Task<Outcome<TaskView>> ApplyStagedAsync(long id)
    {
        StagedNetChange? staged;
        lock (_gate) staged = _staged.FirstOrDefault(s => s.Id == id);
        if (staged is null) return StationError.NotFound($"staged network change {id} does not exist");
        var started = await tasks.SubmitAsync(new SubmitTask(TaskKinds.NetConfigure, staged.Unit, NetConfigure.Contract.Write(staged.Parameters)));
        if (started.Ok)
        {
            lock (_gate) _staged.Remove(staged);
            Announce(staged.Unit);
        }
        return started;
    }

    public Outcome<StagedNetChange> DiscardStaged(long id)
    {
        StagedNetChange? staged;
        lock (_gate)
        {
            staged = _staged.FirstOrDefault(s => s.Id == id);
            if (staged is null) return StationError.NotFound($"staged network change {id} does not exist");
            _staged.Remove(staged);
        }
        Announce(staged.Unit);
        return staged;
    }
}
