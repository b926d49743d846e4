using Ccdsvm.Station.Core.Store;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Station.Core.Audit;

/// <summary>
/// One audit line as it is stored, before the store gives it an id: the time as store text, and the detail already
/// cut to <see cref="AuditWriter.MaxDetailLength"/>. Made only by <see cref="AuditWriter.Line"/>.
/// </summary>
public readonly record struct AuditLine
{
    internal AuditLine(string at, string actor, string action, string target, string outcome, string? detail, string? address)
    {
        At = at;
        Actor = actor;
        Action = action;
        Target = target;
        Outcome = outcome;
        Detail = detail;
        Address = address;
    }

    public string At { get; }
    public string Actor { get; }
    public string Action { get; }
    public string Target { get; }
    public string Outcome { get; }
    public string? Detail { get; }
    public string? Address { get; }

    /// <summary>The entry the store holds once the line was written with <paramref name="id"/>.</summary>
    public AuditEntry ToEntry(long id) => new(id, StoreTime.Parse(At), Actor, Action, Target, Outcome, Detail, Address);
}

/// <summary>A line written by a transaction that committed, with the id the store gave it.</summary>
public readonly record struct WrittenAudit(long Id, AuditLine Line)
{
    public AuditEntry ToEntry() => Line.ToEntry(Id);
}

/// <summary>
/// The one writer of audit rows: the INSERT statement, the columns of a row in their order, and the length rule.
/// <see cref="AuditLog"/> writes through <see cref="Write"/>; the task engine's writer prepares <see cref="InsertSql"/>
/// on its own connection and binds its rows with <see cref="Bind"/>, so a batch of audit lines stays one multi-row
/// statement inside the engine's transaction.
/// </summary>
public static class AuditWriter
{
    /// <summary>A longer detail is cut to this many characters.</summary>
    public const int MaxDetailLength = 2000;

    /// <summary>Values one row binds, in the order of the columns of <see cref="InsertSql"/>.</summary>
    public const int ValuesPerRow = 7;

    private const string Head = "INSERT INTO audit(at, actor, action, target, outcome, detail, address) VALUES ";

    /// <summary>A line with the length rule applied.</summary>
    public static AuditLine Line(string at, string actor, string action, string target, string outcome, string? detail, string? address = null) =>
        new(at, actor, action, target, outcome, Cut(detail), address);

    /// <summary>A line at <paramref name="at"/> with the length rule applied.</summary>
    public static AuditLine Line(DateTimeOffset at, string actor, string action, string target, string outcome, string? detail, string? address = null) =>
        Line(StoreTime.Format(at), actor, action, target, outcome, detail, address);

    private static string? Cut(string? detail) => detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail;

    /// <summary>
    /// An INSERT of <paramref name="rows"/> rows whose values are bound by position: row i takes ?(i·<see cref="ValuesPerRow"/> + 1)
    /// to ?((i + 1)·<see cref="ValuesPerRow"/>). The rows get consecutive ids in their order.
    /// </summary>
    public static string InsertSql(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        return Head + string.Join(", ", Enumerable.Range(0, rows).Select(i => RowSql(i * ValuesPerRow)));
    }

    private static readonly string InsertOneSql = InsertSql(1) + "; SELECT last_insert_rowid();";

    private static string RowSql(int b) => $"(?{b + 1}, ?{b + 2}, ?{b + 3}, ?{b + 4}, ?{b + 5}, ?{b + 6}, ?{b + 7})";

    /// <summary>
    /// Binds <paramref name="line"/> as the row whose first value is parameter <paramref name="first"/> (1-based); every
    /// value is text or null. <paramref name="bindText"/> gets <paramref name="state"/>, so a static one allocates nothing per row.
    /// </summary>
    public static void Bind<TState>(in AuditLine line, int first, TState state, Action<TState, int, string?> bindText)
    {
        bindText(state, first, line.At);
        bindText(state, first + 1, line.Actor);
        bindText(state, first + 2, line.Action);
        bindText(state, first + 3, line.Target);
        bindText(state, first + 4, line.Outcome);
        bindText(state, first + 5, line.Detail);
        bindText(state, first + 6, line.Address);
    }

    /// <summary>Writes one line on <paramref name="c"/>, inside <paramref name="tx"/> when given, and returns it with its id.</summary>
    public static AuditEntry Write(SqliteConnection c, SqliteTransaction? tx, in AuditLine line)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertOneSql;
        Bind(line, 1, cmd.Parameters, static (parameters, i, value) =>
            parameters.AddWithValue("?" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (object?)value ?? DBNull.Value));
        long id = (long)cmd.ExecuteScalar()!;
        return line.ToEntry(id);
    }
}
