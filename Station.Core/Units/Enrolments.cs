using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Units;

/// <summary><c>POST /api/v1/enrolments</c> body.</summary>
public sealed record CreateEnrolment(string? Note, int? ExpiresInMinutes);

/// <summary>A new enrolment token: the only time the secret is shown.</summary>
public sealed record EnrolmentCreated(long Id, string Token, DateTimeOffset ExpiresAt, string Note);

/// <summary>An enrolment token as the list shows it: never the secret.</summary>
public sealed record EnrolmentView(long Id, string Note, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    string State, DateTimeOffset? UsedAt, string? UsedByUnit);

public static class EnrolmentStates
{
    public const string Pending = "pending";
    public const string Used = "used";
    public const string Expired = "expired";
}

/// <summary>
/// One-time enrolment tokens (table <c>enrolment_tokens</c>, hashed): an administrator creates one with an
/// expiry, an agent redeems it once for its own credential and the station's public key.
/// </summary>
public sealed class Enrolments(StationDb db, UnitCredentials credentials, AuditLog audit, TimeProvider? time = null)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);
    public const int MaxNoteLength = 200;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Outcome<EnrolmentCreated> Create(Caller caller, CreateEnrolment request, string? address = null)
    {
        if (!caller.IsAdmin)
        {
            audit.Write(caller.Name, "unit.enrolment-token", "enrolments", AuditOutcomes.Refused, "only administrators create enrolment tokens", address);
            return StationError.Forbidden($"you ({caller.Name}) may not create enrolment tokens: only administrators may");
        }
        string note = request.Note?.Trim() ?? "";
        if (note.Length > MaxNoteLength) return StationError.BadRequest($"'note' is longer than {MaxNoteLength} characters");
        var lifetime = request.ExpiresInMinutes is { } m ? TimeSpan.FromMinutes(m) : DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            return StationError.BadRequest($"'expiresInMinutes' must be between 1 and {(int)MaxLifetime.TotalMinutes} (7 days); the default is {(int)DefaultLifetime.TotalMinutes}");

        string token = UnitSecrets.New();
        var now = _time.GetUtcNow();
        var expires = now + lifetime;
        long id;
        AuditEntry entry;
        using (var c = db.Open())
        using (db.Writing())
        using (var tx = c.BeginTransaction())
        {
            id = c.ExecuteScalar<long>("""
                INSERT INTO enrolment_tokens(token_hash, note, created_by, created_at, expires_at) VALUES (@hash, @note, @by, @now, @expires);
                SELECT last_insert_rowid();
                """, new { hash = UnitSecrets.Hash(token), note, by = caller.Name, now = StoreTime.Format(now), expires = StoreTime.Format(expires) }, tx);
            entry = audit.Write(c, tx, caller.Name, "unit.enrolment-token", $"enrolments/{id}", AuditOutcomes.Succeeded,
                $"expires {expires:yyyy-MM-dd HH:mm:ss} UTC{(note.Length > 0 ? "; " + note : "")}", address);
            tx.Commit();
        }
        audit.Publish(entry);
        return new EnrolmentCreated(id, token, expires, note);
    }

    public Outcome<IReadOnlyList<EnrolmentView>> List(Caller caller)
    {
        if (!caller.IsAdmin) return StationError.Forbidden($"you ({caller.Name}) may not list enrolment tokens: only administrators may");
        var now = _time.GetUtcNow();
        using var c = db.Open();
        return c.Query<(long Id, string Note, string CreatedBy, string CreatedAt, string ExpiresAt, string? UsedAt, string? UsedByUnit)>(
                "SELECT id, note, created_by, created_at, expires_at, used_at, used_by_unit FROM enrolment_tokens ORDER BY id DESC")
            .Select(r =>
            {
                var expires = StoreTime.Parse(r.ExpiresAt);
                string state = r.UsedAt is not null ? EnrolmentStates.Used : expires <= now ? EnrolmentStates.Expired : EnrolmentStates.Pending;
                return new EnrolmentView(r.Id, r.Note, r.CreatedBy, StoreTime.Parse(r.CreatedAt), expires, state,
                    r.UsedAt is null ? null : StoreTime.Parse(r.UsedAt), r.UsedByUnit);
            })
            .ToList();
    }

    /// <summary>Trades a token for the unit's credential. The token is the only authorisation, so every outcome is audited.</summary>
    public Outcome<EnrolmentGrant> Redeem(RedeemEnrolment request, string? address = null)
    {
        if (string.IsNullOrWhiteSpace(request.Token)) return StationError.BadRequest("'token' is required: the enrolment token an administrator created (POST /api/v1/enrolments)");
        if (UnitSecrets.NameProblem(request.Unit) is { } nameProblem) return StationError.BadRequest($"'unit': {nameProblem}");
        string unit = request.Unit!;
        var now = _time.GetUtcNow();
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        var row = c.QuerySingleOrDefault<(long Id, string ExpiresAt, string? UsedAt, string? UsedByUnit)?>(
            "SELECT id, expires_at, used_at, used_by_unit FROM enrolment_tokens WHERE token_hash=@hash", new { hash = UnitSecrets.Hash(request.Token) }, tx);
        string? refusal = row switch
        {
            null => "the enrolment token is not known; ask an administrator for a new one",
            { UsedAt: { } usedAt } r => $"the enrolment token was already used (by unit '{r.UsedByUnit}' at {StoreTime.Parse(usedAt):yyyy-MM-dd HH:mm:ss} UTC); tokens are good for one enrolment",
            { } r when StoreTime.Parse(r.ExpiresAt) <= now => $"the enrolment token expired at {StoreTime.Parse(r.ExpiresAt):yyyy-MM-dd HH:mm:ss} UTC; ask an administrator for a new one",
            _ => null,
        };
        if (refusal is not null)
        {
            tx.Rollback();
            audit.Write("unit:" + unit, "unit.enrol", unit, AuditOutcomes.Refused, refusal + (row is { } r ? $" (token {r.Id})" : ""), address);
            return new StationError(StationErrorKind.Unauthorized, refusal);
        }
        if (UnitCredentials.IsActive(c, tx, unit))
        {
            tx.Rollback();
            string conflict = $"unit '{unit}' is already enrolled; an administrator revokes it first (POST /api/v1/units/{unit}/revoke) to enrol it again. The token was not used";
            audit.Write("unit:" + unit, "unit.enrol", unit, AuditOutcomes.Refused, conflict, address);
            return StationError.Conflict(conflict);
        }
        c.Execute("UPDATE enrolment_tokens SET used_at=@now, used_by_unit=@unit WHERE id=@id AND used_at IS NULL",
            new { id = row!.Value.Id, unit, now = StoreTime.Format(now) }, tx);
        var grant = credentials.Issue(c, tx, unit);
        var entry = audit.Write(c, tx, "unit:" + unit, "unit.enrol", unit, AuditOutcomes.Succeeded, $"with token {row.Value.Id}", address);
        tx.Commit();
        audit.Publish(entry);
        return grant;
    }
}
