using System.Collections.Concurrent;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Units;

public enum CredentialCheck
{
    Valid,
    UnknownUnit,
    Wrong,
    Revoked,
}

/// <summary>What <c>POST /api/v1/units/{id}/revoke</c> answers.</summary>
public sealed record UnitRevoked(string Unit, DateTimeOffset RevokedAt, string RevokedBy, int ConnectionsClosed);

/// <summary>
/// Each unit's own credential for the hub (table <c>unit_credentials</c>, hashed): checked at every
/// connection, revoked by an administrator, replaced only through a new enrolment.
/// </summary>
public sealed class UnitCredentials(StationDb db, StationKeys keys, AuditLog audit, IUnitConnections connections, TimeProvider? time = null)
{
    /// <summary>A refused connection of the same unit for the same reason is audited at most this often (agents retry forever).</summary>
    public static readonly TimeSpan RefusalAuditInterval = TimeSpan.FromMinutes(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string, CredentialCheck), DateTimeOffset> _lastRefusal = new();
    private volatile string? _embeddedUnit;

    public CredentialCheck Check(string unit, string credential)
    {
        using var c = db.Open();
        var row = c.QuerySingleOrDefault<(string Hash, string? RevokedAt)?>(
            "SELECT credential_hash, revoked_at FROM unit_credentials WHERE unit=@unit", new { unit });
        if (row is not { } r) return CredentialCheck.UnknownUnit;
        if (!UnitSecrets.Matches(credential, r.Hash)) return CredentialCheck.Wrong;
        return r.RevokedAt is null ? CredentialCheck.Valid : CredentialCheck.Revoked;
    }

    /// <summary>Audits a refused hub connection, at most once a minute per unit and reason.</summary>
    public void RecordRefusal(string unit, CredentialCheck why, string reason, string? address)
    {
        var now = _time.GetUtcNow();
        var key = (unit, why);
        if (_lastRefusal.TryGetValue(key, out var last) && now - last < RefusalAuditInterval) return;
        _lastRefusal[key] = now;
        audit.Write("unit:" + unit, "unit.connect", unit, AuditOutcomes.Refused, reason, address);
    }

    /// <summary>Audits an accepted connection; lines of units connecting together share a commit.</summary>
    public void RecordConnected(string unit, string? address) => RecordConnectedAsync(unit, address).GetAwaiter().GetResult();

    /// <summary>As <see cref="RecordConnected"/>, without blocking a thread while the line waits for its commit.</summary>
    public async Task RecordConnectedAsync(string unit, string? address)
    {
        AuditEntry? entry = null;
        await db.Group.WriteAsync((c, tx) => entry = audit.Write(c, tx, "unit:" + unit, "unit.connect", unit, AuditOutcomes.Allowed, null, address)).ConfigureAwait(false);
        if (entry is not null) audit.Publish(entry);
    }

    public static bool IsActive(SqliteConnection c, SqliteTransaction? tx, string unit) =>
        c.ExecuteScalar<long>("SELECT COUNT(*) FROM unit_credentials WHERE unit=@unit AND revoked_at IS NULL", new { unit }, tx) > 0;

    /// <summary>Stores a new credential for the unit (replacing a revoked one) and returns it with the station's key.</summary>
    internal EnrolmentGrant Issue(SqliteConnection c, SqliteTransaction tx, string unit, long? token = null)
    {
        string credential = UnitSecrets.New();
        c.Execute("""
            INSERT INTO unit_credentials(unit, credential_hash, enrolled_at, revoked_at, revoked_by, enrolment_token) VALUES (@unit, @hash, @now, NULL, NULL, @token)
            ON CONFLICT(unit) DO UPDATE SET credential_hash=@hash, enrolled_at=@now, revoked_at=NULL, revoked_by=NULL, enrolment_token=@token
            """, new { unit, hash = UnitSecrets.Hash(credential), now = StoreTime.Format(_time.GetUtcNow()), token }, tx);
        return new EnrolmentGrant(unit, credential, keys.PublicKey);
    }

    /// <summary>
    /// The station's own agent (in the same process) gets a fresh credential at every start: the station
    /// vouches for itself, so no token is involved. Refused once an administrator revoked it.
    /// </summary>
    public Outcome<EnrolmentGrant> IssueForEmbeddedAgent(string unit)
    {
        using var c = db.Open();
        using var writing = db.Writing();
        using var tx = c.BeginTransaction();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM unit_credentials WHERE unit=@unit AND revoked_at IS NOT NULL", new { unit }, tx) > 0)
            return StationError.Conflict($"the station's own unit '{unit}' was revoked; enrol it again with a token or set Station:EmbeddedAgent=false");
        var grant = Issue(c, tx, unit);
        var entry = audit.Write(c, tx, "station", "unit.enrol", unit, AuditOutcomes.Succeeded, "the station's own agent, in process");
        tx.Commit();
        audit.Publish(entry);
        _embeddedUnit = unit;
        return grant;
    }

    /// <summary>Revokes the unit's credential and ends its live connection at once.</summary>
    public Outcome<UnitRevoked> Revoke(Caller caller, string unit, string? address = null)
    {
        if (!caller.IsAdmin)
        {
            audit.Write(caller.Name, "unit.revoke", unit, AuditOutcomes.Refused, "only administrators revoke units", address);
            return StationError.Forbidden($"you ({caller.Name}) may not revoke units: only administrators may");
        }
        if (unit == _embeddedUnit)
            return StationError.Conflict($"'{unit}' is the station's own unit; to run without it set Station:EmbeddedAgent=false");
        var now = _time.GetUtcNow();
        AuditEntry entry;
        using (var c = db.Open())
        using (db.Writing())
        using (var tx = c.BeginTransaction())
        {
            var revokedAt = c.QuerySingleOrDefault<(string Unit, string? RevokedAt)?>("SELECT unit, revoked_at FROM unit_credentials WHERE unit=@unit", new { unit }, tx);
            if (revokedAt is null)
                return StationError.NotFound($"unit '{unit}' is not enrolled");
            if (revokedAt.Value.RevokedAt is { } already)
                return StationError.Conflict($"unit '{unit}' was already revoked at {StoreTime.Parse(already):yyyy-MM-dd HH:mm:ss} UTC");
            c.Execute("UPDATE unit_credentials SET revoked_at=@now, revoked_by=@by WHERE unit=@unit", new { unit, now = StoreTime.Format(now), by = caller.Name }, tx);
            entry = audit.Write(c, tx, caller.Name, "unit.revoke", unit, AuditOutcomes.Succeeded, "its credential no longer opens the hub; enrol it again with a new token", address);
            tx.Commit();
        }
        audit.Publish(entry);
        int closed = connections.Abort(unit);
        return new UnitRevoked(unit, now, caller.Name, closed);
    }
}
