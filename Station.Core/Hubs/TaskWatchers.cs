using System.Collections.Concurrent;

namespace Ccdsvm.Station.Core.Hubs;

/// <summary>
/// The task-hub connections that watch every task their caller may see (<see cref="TaskHub.Watch"/>), with the caller
/// each one signed in as, so that <see cref="TaskEventRelay"/> pushes a change only to those who may see the task.
/// </summary>
public sealed class TaskWatchers
{
    /// <summary>One watching connection: who it is, and whether it wants only its own tasks.</summary>
    public sealed record Watcher(Caller Caller, bool Mine);

    private readonly ConcurrentDictionary<string, Watcher> _byConnection = new(StringComparer.Ordinal);

    /// <summary>Somebody watches: the relay has to look at every change.</summary>
    public bool Any => !_byConnection.IsEmpty;

    public void Add(string connection, Caller caller, bool mine) => _byConnection[connection] = new Watcher(caller, mine);

    public void Remove(string connection) => _byConnection.TryRemove(connection, out _);

    /// <summary>The connections whose watcher <paramref name="wants"/> a change.</summary>
    public IReadOnlyList<string> Who(Func<Watcher, bool> wants)
    {
        ArgumentNullException.ThrowIfNull(wants);
        return [.. _byConnection.Where(w => wants(w.Value)).Select(w => w.Key)];
    }
}
