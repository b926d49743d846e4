namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v10: an enrolment token is good for up to <c>max_uses</c> units (a fleet token; 1 for the one-time tokens
/// made before), counts the units it enrolled in <c>uses</c>, and can be revoked before it runs out
/// (<c>revoked_at</c>, <c>revoked_by</c>). Each unit's credential remembers the token that enrolled it.
/// </summary>
internal static class FleetEnrolmentSchema
{
    public const string Sql = """
        ALTER TABLE enrolment_tokens ADD COLUMN max_uses INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE enrolment_tokens ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE enrolment_tokens ADD COLUMN revoked_at TEXT NULL;
        ALTER TABLE enrolment_tokens ADD COLUMN revoked_by TEXT NULL;
        UPDATE enrolment_tokens SET uses = 1 WHERE used_at IS NOT NULL;
        ALTER TABLE unit_credentials ADD COLUMN enrolment_token INTEGER NULL;
        """;
}
