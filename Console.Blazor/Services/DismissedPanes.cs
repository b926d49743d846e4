using System.Collections.Concurrent;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// The ended tasks each user closed the pane of. A failed or interrupted task's pane comes back on every visit
/// (another window, a reload) until its user closes it, so a failure is not missed; kept in station memory.
/// </summary>
public sealed class DismissedPanes
{
    /// <summary>How far back failed tasks are brought back as panes.</summary>
    public static readonly TimeSpan KeepFailedFor = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, byte>> _byUser = new(StringComparer.Ordinal);

    public void Dismiss(string user, long taskId) => _byUser.GetOrAdd(user, _ => new())[taskId] = 0;

    public bool IsDismissed(string user, long taskId) => _byUser.TryGetValue(user, out var ids) && ids.ContainsKey(taskId);
}
