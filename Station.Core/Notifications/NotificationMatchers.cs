using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Store;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Matchers (<c>/api/v1/notification-matchers</c>, administrators only): which events go to which targets, and whether at
/// once or gathered into an hourly or daily digest. The router reads them from here (<see cref="Rules"/>), kept in memory
/// and replaced on every change.
/// </summary>
public sealed class NotificationMatchers
{
    private readonly MatcherStore _store;
    private readonly NotificationTargets _targets;
    private readonly TimeProvider _clock;
    private IReadOnlyList<MatcherRule>? _rules;

    public NotificationMatchers(StationDb db, NotificationTargets targets, TimeProvider? time = null)
    {
        _store = new MatcherStore(db);
        _targets = targets;
        _clock = time ?? TimeProvider.System;
    }

    internal MatcherStore Store => _store;

    /// <summary>What is wrong with a matcher request, or null: for a form that checks as one types.</summary>
    public string? Problem(NotificationMatcherRequest? request) =>
        MatcherCheck.Check(request, 0, t => _targets.Store.Get(t) is not null) is { Ok: false } c ? c.Error!.Message : null;

    /// <summary>The matchers as rules, read from the store once and again after each change.</summary>
    internal IReadOnlyList<MatcherRule> Rules => Volatile.Read(ref _rules) ?? Reload();

    public Outcome<IReadOnlyList<NotificationMatcherView>> List(Caller caller) =>
        Admin(caller, "see") is { } refused ? refused : _store.All().Select(View).ToList();

    public Outcome<NotificationMatcherView> Get(long id, Caller caller)
    {
        if (Admin(caller, "see") is { } refused) return refused;
        return _store.Get(id) is { } row ? View(row) : NotFound(id);
    }

    public Outcome<NotificationMatcherView> Create(NotificationMatcherRequest? request, Caller caller)
    {
        if (Admin(caller, "add") is { } refused) return refused;
        var check = Check(request, 0);
        if (!check.Ok) return check.Error!;
        var now = StoreTime.Format(_clock.GetUtcNow());
        var row = new MatcherRow { CreatedAt = now };
        Fill(row, check.Value!, now);
        row.Id = _store.Create(row);
        Reload();
        return View(row);
    }

    public Outcome<NotificationMatcherView> Update(long id, NotificationMatcherRequest? request, Caller caller)
    {
        if (Admin(caller, "change") is { } refused) return refused;
        if (_store.Get(id) is not { } row) return NotFound(id);
        var check = Check(request, id);
        if (!check.Ok) return check.Error!;
        Fill(row, check.Value!, StoreTime.Format(_clock.GetUtcNow()));
        _store.Update(row);
        Reload();
        return View(row);
    }

    public Outcome<bool> Delete(long id, Caller caller)
    {
        if (Admin(caller, "delete") is { } refused) return refused;
        if (_store.Get(id) is null) return NotFound(id);
        _store.Delete(id);
        Reload();
        return true;
    }

    private Outcome<MatcherRule> Check(NotificationMatcherRequest? request, long id)
    {
        var check = MatcherCheck.Check(request, id, t => _targets.Store.Get(t) is not null);
        if (check.Ok && _store.NameTaken(check.Value!.Name, id)) return StationError.Conflict($"a matcher named '{check.Value.Name}' exists already; choose another name");
        return check;
    }

    private static void Fill(MatcherRow row, MatcherRule rule, string now)
    {
        row.Name = rule.Name;
        row.Enabled = rule.Enabled ? 1 : 0;
        row.Definition = JsonSerializer.Serialize(new NotificationMatcherRequest(rule.Name, rule.Targets, rule.Enabled, rule.MinSeverity, rule.Types, rule.Kinds,
            rule.UnitTags, rule.Window, rule.Digest), NotificationTargets.Json);
        row.UpdatedAt = now;
    }

    private List<MatcherRule> Reload()
    {
        var rules = _store.All().Select(Rule).OfType<MatcherRule>().ToList();
        Volatile.Write(ref _rules, rules);
        return rules;
    }

    /// <summary>A stored matcher as a rule; null when it no longer checks (a target it named was deleted is only skipped at delivery).</summary>
    private static MatcherRule? Rule(MatcherRow row)
    {
        var request = JsonSerializer.Deserialize<NotificationMatcherRequest>(row.Definition, NotificationTargets.Json);
        var check = MatcherCheck.Check(request, row.Id, _ => true);
        return check.Ok ? check.Value! with { Enabled = row.Enabled == 1 } : null;
    }

    private static NotificationMatcherView View(MatcherRow row)
    {
        var r = Rule(row);
        return new NotificationMatcherView(row.Id, row.Name, row.Enabled == 1, r?.Targets ?? [], r?.MinSeverity ?? NotificationSeverities.Info, r?.Types ?? [],
            r?.Kinds ?? [], r?.UnitTags ?? [], r?.Window, r?.Digest ?? DigestPolicies.Immediately, StoreTime.Parse(row.CreatedAt), StoreTime.Parse(row.UpdatedAt));
    }

    private static StationError? Admin(Caller caller, string verb) =>
        caller.IsAdmin ? null : StationError.Forbidden($"only an administrator may {verb} notification matchers");

    private static StationError NotFound(long id) => StationError.NotFound($"notification matcher {id} not found");
}
