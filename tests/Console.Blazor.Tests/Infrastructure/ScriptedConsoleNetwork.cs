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

    public Outcome<StagedNetChange> Stage(string unit, NetConfigureParameters parameters)
    {
        lock (_gate)
        {
            var staged = new StagedNetChange(++_lastId, unit, tasks.UserName, new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), parameters);
            _staged.Add(staged);
            return staged;
        }
    }

    public async Task<Outcome<TaskView>> ApplyStagedAsync(long id)
    {
        StagedNetChange? staged;
        lock (_gate) staged = _staged.FirstOrDefault(s => s.Id == id);
        if (staged is null) return StationError.NotFound($"staged network change {id} does not exist");
        var started = await tasks.SubmitAsync(new SubmitTask(TaskKinds.NetConfigure, staged.Unit, NetConfigure.Contract.Write(staged.Parameters)));
        if (started.Ok) lock (_gate) _staged.Remove(staged);
        return started;
    }

    public Outcome<StagedNetChange> DiscardStaged(long id)
    {
        lock (_gate)
        {
            var staged = _staged.FirstOrDefault(s => s.Id == id);
            if (staged is null) return StationError.NotFound($"staged network change {id} does not exist");
            _staged.Remove(staged);
            return staged;
        }
    }
}
