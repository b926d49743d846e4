namespace Ccdsvm.Station.Core.Store;

/// <summary>
/// Schema v9: every task row keeps the W3C <c>traceparent</c> of the span that admitted it (<c>trace_parent</c>), so
/// the spans of its lock wait, dispatch, run and end join the trace of the REST call that submitted it, even though
/// the task outlives that call. Null for tasks admitted before it existed or while nothing traced.
/// </summary>
internal static class TraceParentSchema
{
    public const string Sql = "ALTER TABLE tasks ADD COLUMN trace_parent TEXT NULL;";
}
