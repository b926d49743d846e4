using System.Collections.Concurrent;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// The confirmations net.configure tasks wait for (<see cref="Shared.Contracts.IAgentClient.ConfirmTask"/>), and whether the agent is
/// linked to the station now (set by the connection), which says why a change was rolled back.
/// </summary>
public sealed class NetConfirmations
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiting = new();
    private volatile bool _linked;

    /// <summary>True while the agent's hub connection is up; the connection sets it.</summary>
    public bool StationLinked { get => _linked; set => _linked = value; }

    /// <summary>Starts waiting for task <paramref name="taskId"/>'s confirmation; dispose to stop.</summary>
    public Waiter Expect(long taskId)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[taskId] = tcs;
        return new Waiter(this, taskId, tcs.Task);
    }

    /// <summary>The station's confirmation; false when no task of that id waits for one (ended, rolled back, unknown).</summary>
    public bool Confirm(long taskId) => _waiting.TryGetValue(taskId, out var tcs) && tcs.TrySetResult();

    public sealed class Waiter(NetConfirmations owner, long taskId, Task confirmed) : IDisposable
    {
        public Task Confirmed => confirmed;

        public void Dispose() => owner._waiting.TryRemove(taskId, out _);
    }
}
