using System.Text.Json;
using Ccdsvm.Shared.Contracts.Schedules;
using Ccdsvm.Station.Core.Bulk;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Schedules;

/// <summary>
/// Schedules: recurring tasks (<c>/api/v1/schedules</c>). Each has a cron expression read in an IANA time zone (Cronos
/// gives the instants, DST included), a task template, an owner and a missed-run policy; they live in SQLite
/// (<see cref="ScheduleStore"/>). Anyone may make schedules; each sees their own, an administrator sees and changes all.
/// The runs are started by the same service as <c>POST /api/v1/tasks</c> (<see cref="BulkRollouts"/>), as the owner with
/// the rights they hold at run time (see <c>ScheduleService.Runs.cs</c>).
/// </summary>
public sealed partial class ScheduleService
{
    public const int DefaultRuns = 50, MaxRuns = 1000;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ScheduleStore _store;
    private readonly BulkRollouts _tasks;
    private readonly TaskEngine _engine;
    private readonly AccessControl _access;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public ScheduleService(StationDb db, BulkRollouts tasks, TaskEngine engine, AccessControl access, TimeProvider? time = null,
        ILogger<ScheduleService>? logger = null)
    {
        _store = new ScheduleStore(db);
        _tasks = tasks;
        _engine = engine;
        _access = access;
        _clock = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Every run as it is recorded, on the schedules' loop.</summary>
    public Notifier<ScheduleRunRecorded> RunsRecorded { get; } = new();

    /// <summary>The schedules the caller sees: their own, or every one for an administrator.</summary>
    public IReadOnlyList<ScheduleView> List(Caller caller) =>
        _store.All().Where(r => Sees(caller, r)).Select(View).ToList();

    public Outcome<ScheduleView> Get(long id, Caller caller) =>
        _store.Get(id) is { } row && Sees(caller, row) ? View(row) : NotFound(id);

    /// <summary>The schedule's runs, newest first.</summary>
    public Outcome<IReadOnlyList<ScheduleRunView>> History(long id, Caller caller, int? limit = null)
    {
        if (_store.Get(id) is not { } row || !Sees(caller, row)) return NotFound(id);
        int take = limit ?? DefaultRuns;
        if (take is < 1 or > MaxRuns) return StationError.BadRequest($"'limit' must be between 1 and {MaxRuns}; the default is {DefaultRuns}");
        return _store.Runs(id, take).Select(RunView).ToList();
    }

    /// <summary>A new schedule owned by the caller; its first run is the first cron instant after now.</summary>
    public Outcome<ScheduleView> Create(ScheduleRequest? request, Caller caller)
    {
        var check = ScheduleCheck.Check(request);
        if (!check.Ok) return check.Error!;
        var s = check.Value!;
        var now = StoreTime.Format(_clock.GetUtcNow());
        var row = new ScheduleRow
        {
            Name = s.Name, Cron = s.Cron, TimeZone = s.Zone.Id, Template = JsonSerializer.Serialize(s.Template, Json), Owner = caller.Name,
            Enabled = s.Enabled ? 1 : 0, MissedRuns = s.MissedRuns, Anchor = now, CreatedAt = now, UpdatedAt = now,
        };
        row.Id = _store.Create(row);
        _ = Wake();
        return View(row);
    }

    /// <summary>
    /// Replaces a schedule's definition (the owner stays). Its next run is looked for after now when the cron expression,
    /// the time zone or the enabled flag changed, so a change never starts runs that fell due before it.
    /// </summary>
    public Outcome<ScheduleView> Update(long id, ScheduleRequest? request, Caller caller)
    {
        if (MayChange(id, caller, "change") is { } refused) return refused;
        var check = ScheduleCheck.Check(request);
        if (!check.Ok) return check.Error!;
        var s = check.Value!;
        var row = _store.Get(id)!;
        var now = StoreTime.Format(_clock.GetUtcNow());
        bool rebase = row.Cron != s.Cron || row.TimeZone != s.Zone.Id || (row.Enabled == 1) != s.Enabled;
        row.Name = s.Name;
        row.Cron = s.Cron;
        row.TimeZone = s.Zone.Id;
        row.Template = JsonSerializer.Serialize(s.Template, Json);
        row.Enabled = s.Enabled ? 1 : 0;
        row.MissedRuns = s.MissedRuns;
        row.UpdatedAt = now;
        if (rebase) row.Anchor = now;
        _store.Update(row);
        _ = Wake();
        return View(row);
    }

    /// <summary>Deletes a schedule and its history; a task it started goes on.</summary>
    public Outcome<bool> Delete(long id, Caller caller)
    {
        if (MayChange(id, caller, "delete") is { } refused) return refused;
        _store.Delete(id);
        _ = Wake();
        return true;
    }

    /// <summary>The next <paramref name="count"/> instants a cron expression gives in a time zone after <paramref name="from"/>; for a form that checks as one types.</summary>
    public static Outcome<IReadOnlyList<DateTimeOffset>> Preview(string? cron, string? timeZone, DateTimeOffset from, int count = 3)
    {
        var expression = ScheduleCheck.Cron(cron);
        if (!expression.Ok) return expression.Error!;
        var zone = ScheduleCheck.Zone(timeZone);
        if (!zone.Ok) return zone.Error!;
        var next = new List<DateTimeOffset>(count);
        var at = from;
        while (next.Count < count && expression.Value!.GetNextOccurrence(at, zone.Value!) is { } n)
        {
            next.Add(n);
            at = n;
        }
        return next;
    }

    private StationError? MayChange(long id, Caller caller, string verb)
    {
        if (_store.Get(id) is not { } row) return NotFound(id);
        if (row.Owner == caller.Name || caller.IsAdmin) return null;
        return StationError.Forbidden($"schedule {id} belongs to {row.Owner}; only they or an administrator may {verb} it");
    }

    private static bool Sees(Caller caller, ScheduleRow row) => caller.IsAdmin || row.Owner == caller.Name;

    private static StationError NotFound(long id) => StationError.NotFound($"schedule {id} not found");

    private ScheduleView View(ScheduleRow row)
    {
        var template = JsonSerializer.Deserialize<ScheduleTemplate>(row.Template, Json) ?? new ScheduleTemplate(null);
        DateTimeOffset? next = row.Enabled == 1 ? NextAfter(row, StoreTime.Parse(row.Anchor)) : null;
        var last = _store.LastRun(row.Id) is { } r ? RunView(r) : null;
        return new ScheduleView(row.Id, row.Name, row.Cron, row.TimeZone, template, row.Owner, row.Enabled == 1, row.MissedRuns, next, last,
            StoreTime.Parse(row.CreatedAt), StoreTime.Parse(row.UpdatedAt));
    }

    private ScheduleRunView RunView(ScheduleRunRow r) =>
        new(StoreTime.Parse(r.DueAt), StoreTime.Parse(r.At), r.TaskId, r.State, r.TaskId is { } t ? _engine.View(t)?.State : null, r.Note);

    /// <summary>The first cron instant of the schedule strictly after <paramref name="after"/>, or null when there is none.</summary>
    internal static DateTimeOffset? NextAfter(ScheduleRow row, DateTimeOffset after)
    {
        var cron = ScheduleCheck.Cron(row.Cron);
        var zone = ScheduleCheck.Zone(row.TimeZone);
        return cron.Ok && zone.Ok ? cron.Value!.GetNextOccurrence(after, zone.Value!) : null;
    }
}
