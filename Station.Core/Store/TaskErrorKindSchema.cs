namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v8: every task row keeps why it did not succeed (<c>error_kind</c>, a <see cref="Shared.Contracts.TaskErrorKind"/>
/// in its API spelling, null while it runs and once it succeeded). Tasks that ended before it existed get the kind
/// their end state says: failed, cancelled or interrupted.
/// </summary>
internal static class TaskErrorKindSchema
{
    public const string Sql = """
        ALTER TABLE tasks ADD COLUMN error_kind TEXT NULL;
        UPDATE tasks SET error_kind = lower(state) WHERE ended_at IS NOT NULL AND lower(state) IN ('failed', 'cancelled', 'interrupted');
        """;
}
