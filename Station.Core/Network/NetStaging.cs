using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Dapper;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Station.Core.Network;

/// <summary>A net.configure change kept at the station to be applied later: who staged it, when, and the change itself.</summary>
public sealed record StagedNetChange(long Id, string Unit, string StagedBy, DateTimeOffset StagedAt, NetConfigureParameters Parameters);

/// <summary>
/// Staged network changes, per unit (issue 23: "a change can be staged, shown as a diff against the running state, and
/// applied later"). A staged change is checked as a submission's parameters are; applying it submits it as a
/// net.configure task with every check of a submission (privilege, cut-off, lock plan), as whoever applies it. Kept in
/// the station's store (schema v15), so a restart keeps what was staged; read from memory, so a view never waits for a
/// write. Whoever may configure a unit's network sees, applies and discards the changes staged for it; every change is
/// announced on <see cref="Changes"/> (the unit's id), so every open console shows the same list.
/// </summary>
public sealed class NetStaging
{
    /// <summary>The most changes one unit keeps staged.</summary>
    public const int MaxPerUnit = 20;

    private readonly object _gate = new();
    private readonly Dictionary<string, List<StagedNetChange>> _byUnit = new(StringComparer.Ordinal);
    // What readers see: replaced whole under the gate after every write, read without it.
    private volatile Dictionary<string, StagedNetChange[]> _view = new(StringComparer.Ordinal);
    private readonly TaskEngine _engine;
    private readonly TaskKindCatalog _catalog;
    private readonly AccessControl _access;
    private readonly UnitRegistry _units;
    private readonly StationDb _db;
    private readonly TimeProvider _time;

    public NetStaging(TaskEngine engine, TaskKindCatalog catalog, AccessControl access, UnitRegistry units, StationDb db, TimeProvider? time = null)
    {
        (_engine, _catalog, _access, _units, _db, _time) = (engine, catalog, access, units, db, time ?? TimeProvider.System);
        using var c = db.Open();
        foreach (var row in c.Query<(long Id, string Unit, string StagedBy, string StagedAt, string Parameters)>(
                     "SELECT id, unit, staged_by, staged_at, parameters FROM net_staged ORDER BY id"))
        {
            using var doc = JsonDocument.Parse(row.Parameters);
            var staged = new StagedNetChange(row.Id, row.Unit, row.StagedBy, StoreTime.Parse(row.StagedAt), NetConfigure.Contract.Read(doc.RootElement));
            if (!_byUnit.TryGetValue(staged.Unit, out var list)) _byUnit[staged.Unit] = list = [];
            list.Add(staged);
        }
        _view = _byUnit.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>The unit whose staged changes changed, published after the store and the list agree.</summary>
    public Notifier<string> Changes { get; } = new();

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
            var at = _time.GetUtcNow();
            staged = new StagedNetChange(Insert(null, unit, caller.Name, at, p), unit, caller.Name, at, p);
            list.Add(staged);
            Show(unit, list);
        }
        Changes.Publish(unit);
        return staged;
    }

    /// <summary>The changes staged for the unit, oldest first; refused to who may not configure its network.</summary>
    public Outcome<IReadOnlyList<StagedNetChange>> List(Caller caller, string unit)
    {
        if (Refusal(caller, unit) is { } refused) return refused;
        return _view.TryGetValue(unit, out var list) ? list : [];
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
        // Gone from the store before it is submitted: a station that stops in between forgets the change rather than
        // offering to apply, after the restart, a change that may already run.
        int at;
        lock (_gate)
        {
            at = _byUnit.TryGetValue(staged.Unit, out var list) ? list.IndexOf(staged) : -1;
            if (at >= 0)
            {
                Delete(staged.Id);
                list!.RemoveAt(at);
                Show(staged.Unit, list);
            }
        }
        if (at < 0) return StationError.NotFound($"staged network change {id} does not exist (applied or discarded already?)");
        Changes.Publish(staged.Unit);
        var started = await _engine.SubmitAsync(new SubmitTask(TaskKinds.NetConfigure, staged.Unit, NetConfigure.Contract.Write(staged.Parameters)), caller).ConfigureAwait(false);
        if (!started.Ok)
        {
            lock (_gate)
            {
                Insert(staged.Id, staged.Unit, staged.StagedBy, staged.StagedAt, staged.Parameters);
                if (!_byUnit.TryGetValue(staged.Unit, out var list)) _byUnit[staged.Unit] = list = [];
                list.Insert(Math.Min(at, list.Count), staged);
                Show(staged.Unit, list);
            }
            Changes.Publish(staged.Unit);
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
        staged = _view.Values.SelectMany(l => l).FirstOrDefault(s => s.Id == id);
        if (staged is null || (unit is not null && staged.Unit != unit) || Refusal(caller, staged.Unit) is not null)
            return StationError.NotFound($"staged network change {id} does not exist (applied or discarded already?)");
        return staged;
    }

    private void Remove(StagedNetChange staged)
    {
        bool removed;
        lock (_gate)
        {
            removed = _byUnit.TryGetValue(staged.Unit, out var list) && list.Contains(staged);
            if (removed)
            {
                Delete(staged.Id);
                list!.Remove(staged);
                Show(staged.Unit, list);
            }
        }
        if (removed) Changes.Publish(staged.Unit);
    }

    /// <summary>Readers see <paramref name="unit"/>'s list as it is now (called under the gate).</summary>
    private void Show(string unit, List<StagedNetChange> list) =>
        _view = new Dictionary<string, StagedNetChange[]>(_view, StringComparer.Ordinal) { [unit] = [.. list] };

    /// <summary>Writes the change's row (with <paramref name="id"/> when it comes back after a refused apply); its id.</summary>
    private long Insert(long? id, string unit, string stagedBy, DateTimeOffset at, NetConfigureParameters parameters)
    {
        using var _ = _db.Writing();
        using var c = _db.Open();
        return c.ExecuteScalar<long>(
            "INSERT INTO net_staged(id, unit, staged_by, staged_at, parameters) VALUES (@id, @unit, @stagedBy, @at, @json) RETURNING id",
            new { id, unit, stagedBy, at = StoreTime.Format(at), json = NetConfigure.Contract.Write(parameters).GetRawText() });
    }

    private void Delete(long id)
    {
        using var _ = _db.Writing();
        using var c = _db.Open();
        c.Execute("DELETE FROM net_staged WHERE id = @id", new { id });
    }

    /// <summary>Why the caller may not stage for the unit: not a unit they see (as if unknown), or no right to configure its network.</summary>
    private StationError? Refusal(Caller caller, string unit)
    {
        if (string.IsNullOrEmpty(unit) || _units.View(unit) is null || !_access.CanSeeUnit(caller, unit))
            return StationError.NotFound($"unit '{unit}' is not known");
        return _catalog.TryGet(TaskKinds.NetConfigure, out var definition) && _access.Allows(caller, ResourcePath.Unit(unit), definition.Privilege)
            ? null
            : StationError.Forbidden($"staging a network change on unit '{unit}' needs the privilege {definition?.Privilege}");
    }
}
