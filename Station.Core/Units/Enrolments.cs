using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Store;
using Dapper;

namespace Ccdsvm.Station.Core.Units;

/// <summary><c>POST /api/v1/enrolments</c> body: <paramref name="Count"/> units may enrol with the token (1 when absent).</summary>
public sealed record CreateEnrolment(string? Note, int? ExpiresInMinutes, int? Count = null);

/// <summary>A new enrolment token: the only time the secret is shown.</summary>
public sealed record EnrolmentCreated(long Id, string Token, DateTimeOffset ExpiresAt, string Note, int Count = 1);

/// <summary>
/// An enrolment token as the list shows it: never the secret. <see cref="UsedAt"/> and <see cref="UsedByUnit"/> name
/// the first unit it enrolled; <see cref="Uses"/> counts them all, up to <see cref="Count"/>.
/// </summary>
public sealed record EnrolmentView(long Id, string Note, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    string State, DateTimeOffset? UsedAt, string? UsedByUnit, int Count = 1, int Uses = 0, DateTimeOffset? RevokedAt = null, string? RevokedBy = null);

/// <summary>What <c>POST /api/v1/enrolments/{id}/revoke</c> answers: the token enrols no further unit; <see cref="Uses"/> units kept their credentials.</summary>
public sealed record EnrolmentRevoked(long Id, string Note, DateTimeOffset RevokedAt, string RevokedBy, int Count, int Uses);

public static class EnrolmentStates
{
    public const string Pending = "pending";
    public const string Used = "used";
    public const string Expired = "expired";
    public const string Revoked = "revoked";
}

/// <summary>
/// Enrolment tokens (table <c>enrolment_tokens</c>, hashed): an administrator creates one for up to <c>count</c>
/// units with an expiry; each agent redeems it for its own credential and the station's public key, until the count
/// is spent, the token expires or an administrator revokes it. Units already enrolled keep their own credentials.
/// </summary>
public sealed class Enrolments(StationDb db, UnitCredentials credentials, AuditLog audit, TimeProvider? time = null)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);
    public const int MaxNoteLength = 200;
    public const int MaxCount = Shared.Contracts.Kinds.AuthEnrol.MaxCount;

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
        int count = request.Count ?? 1;
        if (count is < 1 or > MaxCount) return StationError.BadRequest($"'count' must be between 1 and {MaxCount}: how many units may enrol with the token; the default is 1");

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
                INSERT INTO enrolment_tokens(token_hash, note, created_by, created_at, expires_at, max_uses) VALUES (@hash, @note, @by, @now, @expires, @count);
                SELECT last_insert_rowid();
                """, new { hash = UnitSecrets.Hash(token), note, by = caller.Name, now = StoreTime.Format(now), expires = StoreTime.Format(expires), count }, tx);
            entry = audit.Write(c, tx, caller.Name, "unit.enrolment-token", $"enrolments/{id}", AuditOutcomes.Succeeded,
                $"{(count == 1 ? "one unit" : $"up to {count} units")}, expires {expires:yyyy-MM-dd HH:mm:ss} UTC{(note.Length > 0 ? "; " + note : "")}", address);
            tx.Commit();
        }
        audit.Publish(entry);
        return new EnrolmentCreated(id, token, expires, note, count);
    }

    /// <summary>Ends a token before it runs out: no further unit enrols with it; the units it enrolled keep their credentials.</summary>
    public Outcome<EnrolmentView> Revoke(Caller caller, long id, string? address = null)
    {
        if (!caller.IsAdmin)
        {
            audit.Write(caller.Name, "unit.enrolment-revoke", $"enrolments/{id}", AuditOutcomes.Refused, "only administrators revoke enrolment tokens", address);
            return StationError.Forbidden($"you ({caller.Name}) may not revoke enrolment tokens: only administrators may");
        }
        var now = _time.GetUtcNow();
        AuditEntry entry;
        EnrolmentView view;
        using (var c = db.Open())
        using (db.Writing())
        using (var tx = c.BeginTransaction())
        {
            var row = c.QuerySingleOrDefault<Row?>(Select + " WHERE id=@id", new { id }, tx);
            if (row is not { } r) return StationError.NotFound($"enrolment token {id} does not exist");
            if (r.RevokedAt is { } already)
                return StationError.Conflict($"enrolment token {id} was already revoked at {StoreTime.Parse(already):yyyy-MM-dd HH:mm:ss} UTC by {r.RevokedBy}");
            c.Execute("UPDATE enrolment_tokens SET revoked_at=@now, revoked_by=@by WHERE id=@id", new { id, now = StoreTime.Format(now), by = caller.Name }, tx);
            entry = audit.Write(c, tx, caller.Name, "unit.enrolment-revoke", $"enrolments/{id}", AuditOutcomes.Succeeded,
                $"no further unit enrols with it; the {r.Uses} it enrolled keep their credentials", address);
            tx.Commit();
            view = ToView(r with { RevokedAt = StoreTime.Format(now), RevokedBy = caller.Name }, now);
        }
        audit.Publish(entry);
        return view;
    }

    private const string Select = "SELECT id AS Id, note AS Note, created_by AS CreatedBy, created_at AS CreatedAt, expires_at AS ExpiresAt, used_at AS UsedAt, "
        + "used_by_unit AS UsedByUnit, max_uses AS MaxUses, uses AS Uses, revoked_at AS RevokedAt, revoked_by AS RevokedBy FROM enrolment_tokens";

    private sealed record Row(long Id, string Note, string CreatedBy, string CreatedAt, string ExpiresAt, string? UsedAt, string? UsedByUnit,
        long MaxUses, long Uses, string? RevokedAt, string? RevokedBy);

    private static EnrolmentView ToView(Row r, DateTimeOffset now)
    {
        var expires = StoreTime.Parse(r.ExpiresAt);
        string state = r.RevokedAt is not null ? EnrolmentStates.Revoked
            : r.Uses >= r.MaxUses ? EnrolmentStates.Used
            : expires <= now ? EnrolmentStates.Expired
            : EnrolmentStates.Pending;
        return new EnrolmentView(r.Id, r.Note, r.CreatedBy, StoreTime.Parse(r.CreatedAt), expires, state,
            r.UsedAt is null ? null : StoreTime.Parse(r.UsedAt), r.UsedByUnit, (int)r.MaxUses, (int)r.Uses,
            r.RevokedAt is null ? null : StoreTime.Parse(r.RevokedAt), r.RevokedBy);
    }

    public Outcome<IReadOnlyList<EnrolmentView>> List(Caller caller)
    {
        if (!caller.IsAdmin) return StationError.Forbidden($"you ({caller.Name}) may not list enrolment tokens: only administrators may");
        var now = _time.GetUtcNow();
        using var c = db.Open();
        return c.Query<Row>(Select + " ORDER BY id DESC").Select(r => ToView(r, now)).ToList();
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
        var row = c.QuerySingleOrDefault<Row?>(Select + " WHERE token_hash=@hash", new { hash = UnitSecrets.Hash(request.Token) }, tx);
        string? refusal = row switch
        {
            null => "the enrolment token is not known; ask an administrator for a new one",
            { RevokedAt: { } revokedAt } r => $"the enrolment token was revoked at {StoreTime.Parse(revokedAt):yyyy-MM-dd HH:mm:ss} UTC by {r.RevokedBy}; ask an administrator for a new one",
            { MaxUses: 1, UsedAt: { } usedAt } r => $"the enrolment token was already used (by unit '{r.UsedByUnit}' at {StoreTime.Parse(usedAt):yyyy-MM-dd HH:mm:ss} UTC); tokens are good for one enrolment",
            { } r when r.Uses >= r.MaxUses => $"the enrolment token was already used by all {r.MaxUses} units it was made for; ask an administrator for a new one",
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
        var token = row!;
        c.Execute("""
            UPDATE enrolment_tokens SET uses = uses + 1, used_at = COALESCE(used_at, @now), used_by_unit = COALESCE(used_by_unit, @unit)
            WHERE id=@id AND uses < max_uses
            """, new { id = token.Id, unit, now = StoreTime.Format(now) }, tx);
        var grant = credentials.Issue(c, tx, unit, token.Id);
        var entry = audit.Write(c, tx, "unit:" + unit, "unit.enrol", unit, AuditOutcomes.Succeeded,
            token.MaxUses == 1 ? $"with token {token.Id}" : $"with token {token.Id} ({token.Uses + 1} of {token.MaxUses})", address);
        tx.Commit();
        audit.Publish(entry);
        return grant;
    }
}
