namespace Ccdsvm.Shared.Contracts.Telemetry;

/// <summary>
/// The logging scope of a task, at the station and on its unit alike: key-value pairs, so structured formatters and exporters keep TaskId and
/// UnitId as fields, and a readable text for the simple console formatter.
/// </summary>
public sealed class TaskLogScope(long taskId, string unitId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("TaskId", taskId),
        1 => new("UnitId", unitId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public int Count => 2;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"TaskId:{taskId} UnitId:{unitId}";
}
