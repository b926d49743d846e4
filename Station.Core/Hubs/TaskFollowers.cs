using System.Collections.Concurrent;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// Which task-hub connections follow which tasks, so that <see cref="TaskEventRelay"/> forwards only the changes
/// somebody follows and the task notifier's publisher pays nothing when no console client is connected.
/// </summary>
public sealed class TaskFollowers
{
    private readonly ConcurrentDictionary<string, HashSet<long>> _byConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, int> _counts = new();

    public static string Group(long taskId) => "task-" + taskId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsFollowed(long taskId) => _counts.TryGetValue(taskId, out int n) && n > 0;

    public void Add(string connection, long taskId)
    {
        var set = _byConnection.GetOrAdd(connection, _ => []);
        lock (set)
            if (set.Add(taskId)) _counts.AddOrUpdate(taskId, 1, (_, n) => n + 1);
    }

    public void Remove(string connection, long taskId)
    {
        if (!_byConnection.TryGetValue(connection, out var set)) return;
        lock (set)
            if (set.Remove(taskId)) Release(taskId);
    }

    public void Drop(string connection)
    {
        if (!_byConnection.TryRemove(connection, out var set)) return;
        lock (set)
            foreach (var id in set) Release(id);
    }

    private void Release(long taskId)
    {
        if (_counts.AddOrUpdate(taskId, 0, (_, n) => n - 1) <= 0) _counts.TryRemove(KeyValuePair.Create(taskId, 0));
    }
}
