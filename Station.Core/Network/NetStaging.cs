using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Network;

/// <summary>A net.configure change kept at the station to be applied later: who staged it, when, and the change itself.</summary>
public sealed record StagedNetChange(long Id, string Unit, string StagedBy, DateTimeOffset StagedAt, NetConfigureParameters Parameters);

/// <summary>
/// Staged network changes, per unit (issue 23: "a change can be staged, shown as a diff against the running state, and
/// applied later"). A staged change is checked as a submission's parameters are; applying it submits it as a
/// net.configure task with every check of a submission (privilege, cut-off, lock plan), as whoever applies it. Kept in
/// memory: a station restart forgets what was staged and not applied. Whoever may configure a unit's network sees,
/// applies and discards the changes staged for it.
/// </summary>
public sealed class NetStaging(TaskEngine engine, TaskKindCatalog catalog, AccessControl access, UnitRegistry units, TimeProvider? time = null)
{
    /// <summary>The most changes one unit keeps staged.</summary>
    public const int MaxPerUnit = 20;

    private readonly object _gate = new();
    private readonly Dictionary<string, List<StagedNetChange>> _byUnit = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _lastId;

    /// <summary>Keeps <paramref name="parameters"/> (net.configure's) for <paramref name="unit"/>; refused naming the field when they are not valid.</summary>
    public Outcome<StagedNetChange> Stage(Caller caller, string unit, JsonElement parameters)
    {
        if (Refusal(caller, unit) is { } refused) return refused;
        if (parameters.ValueKind != JsonValueKind.Object)
            return StationError.BadRequest("a staged change is net.configure's parameters as a JSON object, e.g. {\"interfaces\": [{\"name\": \"eth0\", \"mtu\": 9000}]}");
        if (NetConfigure.Contract.Check(parameters) is { } problem) return StationError.BadRequest(problem);
        var p = NetConfigure.Contract.Read(parameters);
        StagedNetChange staged;
        lock (_gate)
        {
            if (!_byUnit.TryGetValue(unit, out var list)) _byUnit[unit] = list = [];
            if (list.Count >= MaxPerUnit)
                return StationError.Conflict($"unit '{unit}' already has {MaxPerUnit} staged network changes; apply or discard one first");
            staged = new StagedNetChange(++_lastId, unit, caller.Name, _time.GetUtcNow(), p);
            list.Add(staged);
        }
        return staged;
    }

    /// <summary>The changes staged for the unit, oldest first; refused to who may not configure its network.</summary>
    public Outcome<IReadOnlyList<StagedNetChange>> List(Caller caller, string unit)
    {
        if (Refusal(caller, unit) is { } refused) return refused;
        lock (_gate) return _byUnit.TryGetValue(unit, out var list) ? new List<StagedNetChange>(list) : new List<StagedNetChange>();
    }

    /// <summary>
    /// Submits the staged change as a net.configure task as <paramref name="caller"/>. It leaves the staging while it is
    /// submitted, so two clicks never submit it twice, and comes back to its place when the station refuses it.
    /// </summary>
    /// <param name="unit">When given, the unit the change must be staged for (the REST route's).</param>
    public async Task<Outcome<TaskView>> ApplyAsync(Caller caller, long id, string? unit = null)
    {
        var found = Find(caller, id, unit);
        if (!found.Ok) return found.Error!;
        var staged = found.Value!;
        int at;
        lock (_gate)
        {
            at = _byUnit.TryGetValue(staged.Unit, out var list) ? list.IndexOf(staged) : -1;
            if (at >= 0) list!.RemoveAt(at);
        }
        if (at < 0) return StationError.NotFound($"staged network change {id} does not exist (applied or discarded already?)");
        var started = await engine.SubmitAsync(new SubmitTask(TaskKinds.NetConfigure, staged.Unit, NetConfigure.Contract.Write(staged.Parameters)), caller).ConfigureAwait(false);
        if (!started.Ok)
            lock (_gate)
            {
                if (!_byUnit.TryGetValue(staged.Unit, out var list)) _byUnit[staged.Unit] = list = [];
                list.Insert(Math.Min(at, list.Count), staged);
            }
        return started;
    }

    /// <summary>Forgets the staged change.</summary>
    public Outcome<StagedNetChange> Discard(Caller caller, long id, string? unit = null)
    {
        var found = Find(caller, id, unit);
        if (found.Ok) Remove(found.Value!);
        return found;
    }

    private Outcome<StagedNetChange> Find(Caller caller, long id, string? unit)
    {
        StagedNetChange? staged;
        lock (_gate) staged = _byUnit.Values.SelectMany(l => l).FirstOrDefault(s => s.Id == id);
        if (staged is null || (unit is not null && staged.Unit != unit) || Refusal(caller, staged.Unit) is not null)
            return StationError.NotFound($"staged network change {id} does not exist (applied or discarded already?)");
        return staged;
    }

    private void Remove(StagedNetChange staged)
    {
        lock (_gate)
            if (_byUnit.TryGetValue(staged.Unit, out var list)) list.Remove(staged);
    }

    /// <summary>Why the caller may not stage for the unit: not a unit they see (as if unknown), or no right to configure its network.</summary>
    private StationError? Refusal(Caller caller, string unit)
    {
        if (string.IsNullOrEmpty(unit) || units.View(unit) is null || !access.CanSeeUnit(caller, unit))
            return StationError.NotFound($"unit '{unit}' is not known");
        return catalog.TryGet(TaskKinds.NetConfigure, out var definition) && access.Allows(caller, ResourcePath.Unit(unit), definition.Privilege)
            ? null
            : StationError.Forbidden($"staging a network change on unit '{unit}' needs the privilege {definition?.Privilege}");
    }
}
