using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Store;
using Microsoft.AspNetCore.DataProtection;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// A target ready to send to: its settings and its secret decrypted (null when none is set); <see cref="SecretUnreadable"/>
/// when one is stored but the station's data-protection keys no longer decrypt it.
/// </summary>
internal sealed record ResolvedTarget(long Id, string Name, string Type, bool Enabled, TargetConfig Config, string? Secret, bool SecretUnreadable = false);

/// <summary>
/// Notification targets (<c>/api/v1/notification-targets</c>, administrators only) and the delivery log
/// (<c>/api/v1/notification-deliveries</c>). Secrets are encrypted at rest (<see cref="TargetSecrets"/>) and never shown
/// again: a view says only whether one is set.
/// </summary>
public sealed class NotificationTargets
{
    public const int DefaultDeliveries = 100, MaxDeliveries = 1000;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TargetStore _store;
    private readonly TargetSecrets _secrets;
    private readonly TimeProvider _clock;

    public NotificationTargets(StationDb db, IDataProtectionProvider protection, TimeProvider? time = null)
    {
        _store = new TargetStore(db);
        _secrets = new TargetSecrets(protection);
        _clock = time ?? TimeProvider.System;
    }

    internal TargetStore Store => _store;

    /// <summary>What is wrong with a target request, or null: for a form that checks as one types.</summary>
    public static string? Problem(NotificationTargetRequest? request) => TargetCheck.Check(request) is { Ok: false } c ? c.Error!.Message : null;

    public Outcome<IReadOnlyList<NotificationTargetView>> List(Caller caller) =>
        Admin(caller, "see") is { } refused ? refused : _store.All().Select(View).ToList();

    public Outcome<NotificationTargetView> Get(long id, Caller caller)
    {
        if (Admin(caller, "see") is { } refused) return refused;
        return _store.Get(id) is { } row ? View(row) : NotFound(id);
    }

    public Outcome<NotificationTargetView> Create(NotificationTargetRequest? request, Caller caller)
    {
        if (Admin(caller, "add") is { } refused) return refused;
        var check = TargetCheck.Check(request);
        if (!check.Ok) return check.Error!;
        var (name, type, enabled, config) = check.Value;
        if (_store.NameTaken(name, 0)) return StationError.Conflict($"a target named '{name}' exists already; choose another name");
        var now = StoreTime.Format(_clock.GetUtcNow());
        var secret = type == NotificationTargetTypes.Webhook ? request!.Secret : request!.Password;
        var row = new TargetRow
        {
            Name = name, Type = type, Enabled = enabled ? 1 : 0, Config = JsonSerializer.Serialize(config, Json),
            Secret = string.IsNullOrEmpty(secret) ? null : _secrets.Protect(secret), CreatedAt = now, UpdatedAt = now,
        };
        row.Id = _store.Create(row);
        return View(row);
    }

    /// <summary>Replaces a target's settings; a secret left out keeps the saved one, an empty one removes it.</summary>
    public Outcome<NotificationTargetView> Update(long id, NotificationTargetRequest? request, Caller caller)
    {
        if (Admin(caller, "change") is { } refused) return refused;
        if (_store.Get(id) is not { } row) return NotFound(id);
        var check = TargetCheck.Check(request);
        if (!check.Ok) return check.Error!;
        var (name, type, enabled, config) = check.Value;
        if (_store.NameTaken(name, id)) return StationError.Conflict($"a target named '{name}' exists already; choose another name");
        var secret = type == NotificationTargetTypes.Webhook ? request!.Secret : request!.Password;
        if (type != row.Type && secret is null) row.Secret = null;
        else if (secret is not null) row.Secret = secret.Length == 0 ? null : _secrets.Protect(secret);
        row.Name = name;
        row.Type = type;
        row.Enabled = enabled ? 1 : 0;
        row.Config = JsonSerializer.Serialize(config, Json);
        row.UpdatedAt = StoreTime.Format(_clock.GetUtcNow());
        _store.Update(row);
        return View(row);
    }

    public Outcome<bool> Delete(long id, Caller caller)
    {
        if (Admin(caller, "delete") is { } refused) return refused;
        if (_store.Get(id) is null) return NotFound(id);
        _store.Delete(id);
        return true;
    }

    /// <summary>The delivery log, newest first (of one target when <paramref name="targetId"/> is given).</summary>
    public Outcome<IReadOnlyList<NotificationDeliveryView>> Deliveries(Caller caller, long? targetId = null, int? limit = null)
    {
        if (Admin(caller, "see the deliveries of") is { } refused) return refused;
        int take = limit ?? DefaultDeliveries;
        if (take is < 1 or > MaxDeliveries) return StationError.BadRequest($"'limit' must be between 1 and {MaxDeliveries}; the default is {DefaultDeliveries}");
        return _store.Deliveries(targetId, take).Select(d => new NotificationDeliveryView(d.Id, StoreTime.Parse(d.At), d.TargetId, d.TargetName, d.EventType, d.Title,
            (int)d.Attempt, d.Result, d.Status is { } s ? (int)s : null, d.Error)).ToList();
    }

    /// <summary>The target with its secret decrypted, for a delivery; null when it was deleted.</summary>
    internal ResolvedTarget? Resolve(long id) => _store.Get(id) is { } row ? Resolve(row) : null;

    internal ResolvedTarget Resolve(TargetRow row)
    {
        string? secret = row.Secret is { } s ? _secrets.Unprotect(s) : null;
        return new(row.Id, row.Name, row.Type, row.Enabled == 1, Config(row), secret, row.Secret is not null && secret is null);
    }

    private static TargetConfig Config(TargetRow row) => JsonSerializer.Deserialize<TargetConfig>(row.Config, Json) ?? new TargetConfig();

    private static NotificationTargetView View(TargetRow row)
    {
        var c = Config(row);
        bool webhook = row.Type == NotificationTargetTypes.Webhook;
        return new NotificationTargetView(row.Id, row.Name, row.Type, row.Enabled == 1, c.Url, webhook && row.Secret is not null, c.Host, c.Port, c.Security,
            c.Username, !webhook && row.Secret is not null, c.From, c.To ?? [], StoreTime.Parse(row.CreatedAt), StoreTime.Parse(row.UpdatedAt));
    }

    private static StationError? Admin(Caller caller, string verb) =>
        caller.IsAdmin ? null : StationError.Forbidden($"only an administrator may {verb} notification targets");

    private static StationError NotFound(long id) => StationError.NotFound($"notification target {id} not found");
}
